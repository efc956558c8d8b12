// How the workflows' activities are retried and bounded, in one place: the same backoff everywhere
// (from one second, doubling, up to a cap chosen per kind of step), and the one shape of a long
// activity that heartbeats. What sends a message has its own set (sending.ts).
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

type Duration = NonNullable<ActivityOptions['startToCloseTimeout']>;

/** Retries from `initialInterval` (one second unless said), doubling, at most `maximumInterval` apart. */
export const backoff = (maximumInterval: Duration, initialInterval: Duration = '1 second') =>
  ({ initialInterval, backoffCoefficient: 2, maximumInterval }) as const;

/**
 * A long activity that heartbeats: a dead worker is noticed by the heartbeat within seconds, so the
 * start-to-close bound only limits a stuck attempt. Retried until it succeeds, at most a minute apart.
 */
export const heartbeating = (summary: string, startToCloseTimeout: Duration, heartbeatTimeout: Duration): ActivityOptions => ({
  summary,
  startToCloseTimeout,
  heartbeatTimeout,
  retry: backoff('1 minute'),
});

/** A step that must eventually succeed (idempotent): retried until it does, at most a minute apart; as an activity or a local activity. */
export const untilItSucceeds = (startToCloseTimeout: Duration, summary?: string): ActivityOptions & LocalActivityOptions => ({
  ...(summary === undefined ? {} : { summary }),
  startToCloseTimeout,
  retry: backoff('1 minute'),
});
