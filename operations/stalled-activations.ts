// Finding onboardings stalled in a stage and pushing them forward. Used by `npm run stalled` and by
// the scheduled sweep. Found with Temporal's own visibility queries, each confirmed by its
// workflow's query; then reminders and resends go through the bulk-action mechanism every admin's
// bulk action uses: one batch per account (db/invitation-batches.ts, source 'sweep'), carried out
// by the batch workflow in chunks, paced per account, one outcome per row. A seat re-check is a
// signal to each (no update, nothing sent: not a batch's work). Idempotent: each action moves the
// invitation out of the stage it was found in (or, for reminders, one per link), so a second run
// finds nothing left to do.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db';
import { recordBatch, type RowToRecord } from '../db/invitation-batches';
import type { BulkAction } from '../domain/invitation-batches';
import { invitationBatchWorkflowId, type InvitationBatchWorkflow } from '../workflows/invitation-batch/definitions';
import { batchStartOptions } from '../workflows/invitation-batch/start';
import { AccountId, InviteeEmail, InviteePhone, OnboardingStageSince } from '../workflows/search-attributes';
import { getInvitationStatus, seatsAdded } from '../workflows/invitation/definitions';
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
  /** awaiting_signup: a reminder was already sent for the current link (one per link). */
  reminded?: boolean;
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
    const link = status.messages.at(-1)?.tokenHash;
    if (link && status.messages.some((m) => m.step === 'reminder' && m.tokenHash === link)) item.reminded = true;
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

/** recheck-seats: the invitation looks at the seat inventory again (a signal: nothing is sent, so no batch). */
async function recheckSeats(client: Client, item: StalledInvitation): Promise<SweepOutcome> {
  try {
    await withinTime(client.workflow.getHandle(item.workflowId).signal(seatsAdded), ACTION_TIMEOUT_MS);
    return { ...item, result: 'done', detail: 'asked to re-check the seat inventory' };
  } catch (err) {
    // Typically: it ended between finding and signalling (signed up, revoked): nothing to do.
    return { ...item, result: err instanceof ActionTimeout ? 'failed' : 'skipped', detail: err instanceof Error ? err.message : String(err) };
  }
}

/** The bulk action that carries out each sweep action that sends something. */
const bulkActionOf: Record<Exclude<SweepAction, 'recheck-seats'>, BulkAction> = { 'retry-delivery': 'resend', remind: 'remind', resend: 'resend' };

/** What the sweep needs besides the Temporal client: the database the batches are recorded in, and the task queue their workflow runs on. */
export interface SweepDependencies {
  temporal: Client;
  db: Db;
  taskQueue: string;
  /** The batch workflow the sweep starts, by typed reference (given, not imported: see ActivityDependencies). */
  invitationBatchWorkflow: InvitationBatchWorkflow;
}

/** One account's batch of the sweep: recorded and started as an admin's bulk action is, then followed to its end. */
export interface SweepBatch {
  accountId: string;
  batchId: string;
  workflowId: string;
}

const POLL_MS = 200;
/** A batch still running after this is reported as such (it goes on; its rows say how it ended). */
const BATCH_WAIT_MS = 9 * 60_000;

async function inBatch(deps: SweepDependencies, accountId: string, items: StalledInvitation[], action: Exclude<SweepAction, 'recheck-seats'>, c: SweepCriteria, onSettled: (n: number) => void): Promise<{ batch: SweepBatch; outcomes: SweepOutcome[] }> {
  const kind = bulkActionOf[action];
  const batchId = randomUUID();
  const workflowId = invitationBatchWorkflowId(accountId, batchId);
  const rows = items.map((it, i): RowToRecord => ({ line: i + 1, invitationId: it.workflowId, ...(it.invitee.startsWith('+') ? { channel: 'text', phone: it.invitee } : it.invitee ? { channel: 'email', email: it.invitee } : {}) }));
  await recordBatch(deps.db, { id: batchId, account_id: accountId, created_by: null, kind, source: 'sweep', row_count: rows.length, workflow_id: workflowId }, rows);
  const handle = await deps.temporal.workflow.start(deps.invitationBatchWorkflow, batchStartOptions({
    batchId, accountId, kind, rowCount: rows.length, source: 'sweep', details: `Recorded by the stalled-activations sweep: ${action} for ${c.stage}`,
  }, deps.taskQueue));
  // A batch workflow that ended without settling its rows (failed, terminated) leaves them pending:
  // its end, heard once, stops the waiting (instead of asking Temporal on every poll).
  let ended = false;
  handle.result().then(() => (ended = true), () => (ended = true));
  const deadline = Date.now() + BATCH_WAIT_MS;
  for (;;) {
    const { rows: [state] } = await deps.db.query<{ status: string; settled: number }>(
      `SELECT b.status, (SELECT count(*)::int FROM invitation_batch_rows r WHERE r.batch_id = b.id AND r.outcome NOT IN ('pending', 'starting')) AS settled
         FROM invitation_batches b WHERE b.id = $1`, [batchId]);
    onSettled(state!.settled);
    if (state!.status !== 'running' || ended || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const { rows: settled } = await deps.db.query<{ line: number; outcome: string; detail: string | null }>(`SELECT line, outcome, detail FROM invitation_batch_rows WHERE batch_id = $1 ORDER BY line`, [batchId]);
  const outcomes = settled.map(({ line, outcome, detail }): SweepOutcome => {
    const item = items[line - 1]!;
    if (outcome === 'done' || outcome === 'skipped' || outcome === 'failed') return { ...item, result: outcome, detail: detail ?? '' };
    if (outcome === 'pending' || outcome === 'starting') return { ...item, result: 'failed', detail: `still running: follow batch ${batchId}` };
    return { ...item, result: 'failed', detail: `${outcome}${detail ? `: ${detail}` : ''}` };
  });
  return { batch: { accountId, batchId, workflowId }, outcomes };
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
  /** The batches that carried out reminders and resends, one per account. */
  batches: SweepBatch[];
}
/** One sweep as the scheduled workflow receives it (durations already in milliseconds). */
export interface SweepRequest {
  criteria: SweepCriteria;
  action: SweepAction;
}

export async function sweep(
  deps: SweepDependencies,
  c: SweepCriteria,
  action: SweepAction,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<SweepSummary> {
  if (sweepActions[action] !== c.stage) {
    // Wrong as asked, so the scheduled sweep's activity must not retry it.
    throw ApplicationFailure.create({ type: failureTypes.sweepActionMismatch, nonRetryable: true, message: `--action ${action} applies to stage ${sweepActions[action]}, not ${c.stage}` });
  }
  const items = await findStalled(deps.temporal, c);
  const outcomes: SweepOutcome[] = [];
  const batches: SweepBatch[] = [];
  onProgress(0, items.length);
  if (action === 'recheck-seats') {
    for (const item of items) {
      outcomes.push(await recheckSeats(deps.temporal, item));
      onProgress(outcomes.length, items.length);
    }
  } else {
    // One reminder per link: one already sent is skipped here, not asked for again.
    const byAccount = new Map<string, StalledInvitation[]>();
    for (const item of items) {
      if (action === 'remind' && item.reminded) outcomes.push({ ...item, result: 'skipped', detail: 'already reminded for this link' });
      else if (byAccount.has(item.accountId)) byAccount.get(item.accountId)!.push(item);
      else byAccount.set(item.accountId, [item]);
    }
    for (const [accountId, toAsk] of byAccount) {
      const before = outcomes.length;
      const done = await inBatch(deps, accountId, toAsk, action, c, (n) => onProgress(before + n, items.length));
      outcomes.push(...done.outcomes);
      batches.push(done.batch);
    }
    onProgress(outcomes.length, items.length);
  }
  const count = (r: SweepOutcome['result']) => outcomes.filter((o) => o.result === r).length;
  return { action, found: items.length, done: count('done'), skipped: count('skipped'), failed: count('failed'), outcomes, batches };
}

/** The sweep as an activity, for the scheduled workflow: its batches run on the worker's own task queue. */
export function createStalledSweepActivities({ temporal, db, workflows }: { temporal: Client; db: Db; workflows: { invitationBatchWorkflow: InvitationBatchWorkflow } }) {
  return {
    async runStalledSweep({ criteria, action }: SweepRequest): Promise<SweepCounts> {
      const ctx = Context.current();
      const { outcomes: _outcomes, batches: _batches, ...counts } = await sweep({ temporal, db, taskQueue: ctx.info.taskQueue, invitationBatchWorkflow: workflows.invitationBatchWorkflow }, criteria, action, () => ctx.heartbeat());
      return counts;
    },
  };
}
