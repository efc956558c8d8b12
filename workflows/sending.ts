// How every activity that sends a message (an invitation, a shared invite link, an admins'
// notification) is retried and bounded: one set of options, so the sends cannot drift apart.
import type { ActivityOptions } from '@temporalio/workflow';
import { backoff } from './activity-options';

export const sendingActivityOptions = {
  // A worker that dies mid-send is noticed by the heartbeat within seconds; the start-to-close
  // bound only limits a live attempt, which may be waiting out a database outage to record a
  // message the provider already accepted (re-sending it instead would be the worse outcome).
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  // Transient SMTP/SMS trouble is retried with backoff for up to a day; a permanent rejection
  // (DeliveryRejected, non-retryable) fails at once.
  scheduleToCloseTimeout: '24 hours',
  retry: backoff('5 minutes'),
} as const satisfies ActivityOptions;
