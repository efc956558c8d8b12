// Finding onboardings stalled in a stage and pushing them forward, with Temporal's own visibility
// queries and updates/signals. Used by `npm run stalled` and by the scheduled sweep. Idempotent:
// each action moves the invitation out of the stage it was found in (or, for reminders, the
// outbox sends one reminder per link), so a second run finds nothing left to do.
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AccountId, InviteeEmail, InviteePhone, OnboardingStageSince } from '../workflows/search-attributes';
import { getInvitationStatus, remindInvitee, resendInvitation, seatsAdded } from '../workflows/invitation/definitions';
import type { InvitationStage } from '../domain/stages';
import { failureTypes } from '../domain/failures';

export const sweepActions = {
  /** license_pending: look at the seat inventory again (e.g. seats were added outside the API). */
  'recheck-seats': 'license_pending',
  /** delivery_failed: send the invitation again (a new link). */
  'retry-delivery': 'delivery_failed',
  /** awaiting_signup: remind the invitee, with the same link. */
  remind: 'awaiting_signup',
  /** expired: send a new link. */
  resend: 'expired',
} as const satisfies Record<string, InvitationStage>;
export type SweepAction = keyof typeof sweepActions;

export interface SweepCriteria {
  stage: InvitationStage;
  /** In the stage for longer than this. */
  olderThanMs?: number;
  /** awaiting_signup: the link expires within this. */
  expiringWithinMs?: number;
  accountId?: string;
}

export interface StalledInvitation {
  workflowId: string;
  accountId: string;
  invitee: string;
  stage: InvitationStage;
  stageSince?: string;
  expiresAt?: string;
  waitingReason?: string;
}

export type SweepOutcome = StalledInvitation & { result: 'done' | 'skipped' | 'failed'; detail: string };

const quote = (v: string) => `"${v.replace(/["\\]/g, '')}"`;

/** The visibility query for the criteria (also what support staff can paste into the Temporal UI). */
export function stalledQuery(c: SweepCriteria, now = new Date()): string {
  const parts = [`WorkflowType = "invitationWorkflow"`, `ExecutionStatus = "Running"`, `OnboardingStage = ${quote(c.stage)}`];
  if (c.accountId) parts.push(`AccountId = ${quote(c.accountId)}`);
  if (c.olderThanMs) parts.push(`OnboardingStageSince < "${new Date(now.getTime() - c.olderThanMs).toISOString()}"`);
  return parts.join(' AND ');
}

export async function findStalled(client: Client, c: SweepCriteria, now = new Date()): Promise<StalledInvitation[]> {
  const found: StalledInvitation[] = [];
  for await (const wf of client.workflow.list({ query: stalledQuery(c, now) })) {
    const sa = wf.typedSearchAttributes;
    const item: StalledInvitation = {
      workflowId: wf.workflowId,
      accountId: sa.get(AccountId) ?? '',
      invitee: sa.get(InviteeEmail) ?? sa.get(InviteePhone) ?? '',
      stage: c.stage,
      stageSince: sa.get(OnboardingStageSince)?.toISOString(),
    };
    // Visibility lags a little behind the workflow: its own answer decides (so a second run right
    // after the first does not act again on what the first already moved on).
    const status = await client.workflow.getHandle(wf.workflowId).query(getInvitationStatus);
    if (status.stage !== c.stage) continue;
    if (c.expiringWithinMs && !(status.expiresAt && Date.parse(status.expiresAt) <= now.getTime() + c.expiringWithinMs)) continue;
    if (status.expiresAt) item.expiresAt = status.expiresAt;
    if (status.waitingReason) item.waitingReason = status.waitingReason;
    found.push(item);
  }
  return found.sort((a, b) => (a.stageSince ?? '').localeCompare(b.stageSince ?? ''));
}

/** How long one action may take: a workflow that cannot make progress must not stall the sweep. */
export const ACTION_TIMEOUT_MS = 30_000;

function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ActionTimeout(`no answer within ${ms / 1000} s: look at its history`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
class ActionTimeout extends Error {}

/** Pushes one stalled invitation forward. */
export async function resume(client: Client, item: StalledInvitation, action: SweepAction, timeoutMs = ACTION_TIMEOUT_MS): Promise<SweepOutcome> {
  try {
    return await withinTime(act(client, item, action), timeoutMs);
  } catch (err) {
    if (err instanceof ActionTimeout) return { ...item, result: 'failed', detail: err.message };
    throw err;
  }
}

async function act(client: Client, item: StalledInvitation, action: SweepAction): Promise<SweepOutcome> {
  const handle = client.workflow.getHandle(item.workflowId);
  try {
    switch (action) {
      case 'recheck-seats':
        await handle.signal(seatsAdded);
        return { ...item, result: 'done', detail: 'asked to re-check the seat inventory' };
      case 'remind': {
        const before = (await handle.query(getInvitationStatus)).messages.length;
        const after = await handle.executeUpdate(remindInvitee);
        return after.messages.length > before
          ? { ...item, result: 'done', detail: 'reminder sent' }
          : { ...item, result: 'skipped', detail: 'already reminded for this link' };
      }
      case 'retry-delivery':
      case 'resend': {
        const after = await handle.executeUpdate(resendInvitation);
        return after.stage === 'delivery_failed'
          ? { ...item, result: 'failed', detail: `still undeliverable: ${after.deliveryFailure ?? ''}` }
          : { ...item, result: 'done', detail: 'new link sent' };
      }
    }
  } catch (err) {
    // Typically: it moved on between finding and acting (signed up, revoked): nothing to do.
    const message = err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? err.message) : err instanceof Error ? err.message : String(err);
    return { ...item, result: 'skipped', detail: message };
  }
}

export interface SweepCounts {
  action: SweepAction;
  found: number;
  done: number;
  skipped: number;
  failed: number;
}
export interface SweepSummary extends SweepCounts {
  outcomes: SweepOutcome[];
}
/** One sweep as the scheduled workflow receives it (durations already in milliseconds). */
export interface SweepRequest {
  criteria: SweepCriteria;
  action: SweepAction;
}

export async function sweep(
  client: Client,
  c: SweepCriteria,
  action: SweepAction,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<SweepSummary> {
  if (sweepActions[action] !== c.stage) {
    // Wrong as asked, so the scheduled sweep's activity must not retry it.
    throw ApplicationFailure.create({ type: failureTypes.sweepActionMismatch, nonRetryable: true, message: `--action ${action} applies to stage ${sweepActions[action]}, not ${c.stage}` });
  }
  const items = await findStalled(client, c);
  const outcomes: SweepOutcome[] = [];
  onProgress(0, items.length);
  for (const item of items) {
    outcomes.push(await resume(client, item, action));
    onProgress(outcomes.length, items.length);
  }
  const count = (r: SweepOutcome['result']) => outcomes.filter((o) => o.result === r).length;
  return { action, found: items.length, done: count('done'), skipped: count('skipped'), failed: count('failed'), outcomes };
}

/** The sweep as an activity, for the scheduled workflow (it needs a Temporal client of its own). */
export function createStalledSweepActivities({ temporal }: { temporal: Client }) {
  return {
    async runStalledSweep({ criteria, action }: SweepRequest): Promise<SweepCounts> {
      const { outcomes: _outcomes, ...counts } = await sweep(temporal, criteria, action);
      return counts;
    },
  };
}
