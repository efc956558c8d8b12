// One endpoint's webhook deliveries, stage by stage, for as long as the endpoint is enabled:
//
//   waiting      an activity waits (heartbeating) until messages are due: the oldest undelivered
//                one of each subject whose retry time has come
//   delivering   one signed POST per due message, in parallel across subjects (one activity); a failure is
//                scheduled again with exponential backoff (in PostgreSQL, read by the next wait)
//   disabled     the endpoint answered 410 Gone or failed for the whole retry window: its admins
//                are emailed once, and the workflow ends (enabling the endpoint starts it again,
//                or, while it is still ending, signals it to look again)
//
// It continues as new every few dozen rounds, so no history grows large. Messages never travel in
// a payload: only their ids, read from the database by the activities.
import { continueAsNew, proxyActivities, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { heartbeating } from '../activity-options';
import { sendingActivityOptions } from '../sending';
import { runStages, type StageFunction } from '../stages';
import { endpointChanged, getWebhookDeliveryStatus, MESSAGES_PER_ROUND, ROUNDS_PER_RUN, WAIT_MS, type WebhookDeliveryInput, type WebhookDeliveryStatus } from './definitions';

// The wait heartbeats every poll; the POST has its own time limit (10 s by default).
const waits = proxyActivities<Activities>(heartbeating('Wait for due webhook messages', '2 minutes', '5 seconds'));
const posts = proxyActivities<Activities>(heartbeating('Deliver due webhook messages', '1 minute', '5 seconds'));
// The admins' email is a message like any other the workflows send: the one set of sending options.
const notices = proxyActivities<Activities>({ summary: 'Email the admins: endpoint disabled', ...sendingActivityOptions });

type Stage = StageFunction<DeliveryState>;

interface DeliveryState {
  readonly input: WebhookDeliveryInput;
  readonly status: WebhookDeliveryStatus;
  due: string[];
  rounds: number;
  /** Signalled since the last wait: look again before ending. */
  changed: boolean;
}

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryStatus> {
  const state: DeliveryState = {
    input,
    status: { endpointId: input.endpointId, stage: 'waiting', delivered: input.delivered ?? 0, retried: 0, run: input.run ?? 1 },
    due: [],
    rounds: 0,
    changed: false,
  };
  setHandler(getWebhookDeliveryStatus, () => state.status);
  setHandler(endpointChanged, () => void (state.changed = true));
  await runStages(waiting, state);
  return state.status;
}

async function waiting(s: DeliveryState): Promise<Stage | undefined> {
  show(s, 'waiting');
  s.changed = false;
  const next = await waits.nextWebhookMessages({ endpointId: s.input.endpointId, limit: MESSAGES_PER_ROUND, maxWaitMs: WAIT_MS });
  if (next.gone) return s.changed ? waiting : undefined;
  s.due = next.messageIds;
  if (s.due.length > 0) return delivering;
  return ++s.rounds >= ROUNDS_PER_RUN ? continuing : waiting;
}

async function delivering(s: DeliveryState): Promise<Stage | undefined> {
  show(s, 'delivering');
  // One activity for the round's messages (they are of distinct subjects): few history events per round.
  const outcomes = await posts.deliverWebhookMessages({ messageIds: s.due });
  s.status.delivered += outcomes.filter((o) => o === 'delivered').length;
  s.status.retried += outcomes.filter((o) => o === 'retry_later').length;
  if (outcomes.includes('endpoint_disabled')) return disabled;
  return ++s.rounds >= ROUNDS_PER_RUN ? continuing : waiting;
}

async function disabled(s: DeliveryState): Promise<Stage | undefined> {
  show(s, 'disabled');
  await notices.notifyWebhookEndpointDisabled({ endpointId: s.input.endpointId });
  // Enabled again meanwhile? The wait says; otherwise it ends there.
  return waiting;
}

async function continuing(s: DeliveryState): Promise<Stage | undefined> {
  return continueAsNew<typeof webhookDeliveryWorkflow>({ endpointId: s.input.endpointId, delivered: s.status.delivered, run: s.status.run + 1 });
}

function show(s: DeliveryState, stage: WebhookDeliveryStatus['stage']): void {
  s.status.stage = stage;
  setCurrentDetails(`Endpoint ${s.input.endpointId}: ${stage}, ${s.status.delivered} delivered`);
}
