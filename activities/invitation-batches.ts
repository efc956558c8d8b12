// Carrying out a batch, one chunk at a time: the next pending rows are read from PostgreSQL,
// recorded as invitations and their workflows started (the same records and start options as a
// single invitation: db/invitations.ts, workflows/invitation/start.ts, USE_EXISTING), or, for a
// bulk action, each listed invitation is asked to resend, remind or revoke. Every row's outcome is
// recorded once, and a retried chunk (a worker died mid-chunk) finds what the first attempt did:
// a row whose invitation was recorded is marked `starting` in the same transaction, and starting
// it again lands on the same workflow; a bulk action's update carries an update id per row.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { PoolClient } from 'pg';
import { inTransaction, type Db } from '../db';
import { createInvitationRecords, type InvitationRecord } from '../db/invitations';
import { failureTypes } from '../domain/failures';
import { DEFAULT_BATCH_MESSAGES_PER_MINUTE, type BatchKind, type BatchRowOutcome } from '../domain/invitation-batches';
import type { InviteeType } from '../domain/invitee-type';
import type { License } from '../domain/licenses';
import type { Locale } from '../domain/locales';
import type { BatchChunkResult, BatchProgressCounts } from '../workflows/invitation-batch/definitions';
import { getInvitationStatus, remindInvitee, resendInvitation, revokeInvitation, type InvitationStatus } from '../workflows/invitation/definitions';
import { clientStartOptions, invitationStart, type InvitingAccount } from '../workflows/invitation/start';
import { withWebhookEvents } from '../db/webhook-events';
import type { ActivityDependencies } from './dependencies';

interface BatchToRun extends InvitingAccount {
  batch_id: string;
  kind: BatchKind;
  created_by: string;
  inviter_name: string;
  inviter_role: string;
  rate: number;
}

interface RowToRun {
  line: number;
  invitation_id: string;
  channel: 'email' | 'text' | null;
  email: string | null;
  phone: string | null;
  invitee_type: InviteeType | null;
  role: 'admin' | 'user' | null;
  license: License | null;
  locale: Locale | null;
  send_at: Date | null;
  outcome: BatchRowOutcome;
  token_generation: number | null;
}

interface Settled {
  line: number;
  outcome: BatchRowOutcome;
  detail?: string;
}

/** Starts (or asks) this many invitation workflows at once within a chunk. */
const CONCURRENCY = 32;
/** A cancel revokes a scheduled invitation only this far ahead of its send time, so it never races the send. */
const REVOKE_MARGIN = '1 minute';

async function eachLimited<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const ctx = Context.current();
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
    while (next < items.length) {
      await fn(items[next++]!);
      ctx.heartbeat();
    }
  }));
}

const countOf = (settled: Settled[]): BatchProgressCounts => {
  const counts: BatchProgressCounts = {};
  for (const s of settled) if (s.outcome !== 'pending' && s.outcome !== 'starting') counts[s.outcome] = (counts[s.outcome] ?? 0) + 1;
  return counts;
};

async function settle(db: Pick<Db, 'query'>, batchId: string, settled: Settled[]): Promise<void> {
  if (settled.length === 0) return;
  await db.query(
    `UPDATE invitation_batch_rows r SET outcome = s.outcome, detail = s.detail, settled_at = now()
       FROM unnest($2::int[], $3::text[], $4::text[]) AS s(line, outcome, detail)
      WHERE r.batch_id = $1 AND r.line = s.line`,
    [batchId, settled.map((s) => s.line), settled.map((s) => s.outcome), settled.map((s) => s.detail ?? null)],
  );
}

/** Why a start or an update was refused, in words for the report. */
const reason = (err: unknown) => (err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? err.message) : err instanceof Error ? err.message : String(err));

/** gRPC INVALID_ARGUMENT: the start itself is wrong, retrying cannot help. */
const isRefusedStart = (err: unknown) => (err as { code?: number }).code === 3;

export function createInvitationBatchActivities({ db, temporal, workflows, settings }: Pick<ActivityDependencies, 'db' | 'temporal' | 'workflows' | 'settings'>) {
  const defaultRate = settings.batchMessagesPerMinute ?? DEFAULT_BATCH_MESSAGES_PER_MINUTE;

  async function loadBatch(batchId: string): Promise<BatchToRun> {
    const { rows } = await db.query<BatchToRun>(
      `SELECT b.id AS batch_id, b.kind, b.created_by, a.id, a.name, a.plan, a.invitation_lifetime_seconds,
              coalesce(a.batch_messages_per_minute, $2)::int AS rate,
              coalesce(nullif(trim(u.first_name || ' ' || u.last_name), ''), u.id::text) AS inviter_name, u.role AS inviter_role
         FROM invitation_batches b JOIN accounts a ON a.id = b.account_id LEFT JOIN users u ON u.id = b.created_by
        WHERE b.id = $1`,
      [batchId, defaultRate],
    );
    if (!rows[0]) throw ApplicationFailure.create({ type: failureTypes.invitationBatchNotFound, nonRetryable: true, message: `Invitation batch ${batchId} is gone` });
    return rows[0];
  }

  /**
   * The account's pace, shared by all its batches: this chunk's messages move the account's next
   * free moment on by messages / rate; the batch waits until then before its next chunk. The time
   * the chunk itself took counts as waited (the clock may lag `now` by one chunk's share), so the
   * account sends at its rate rather than at rate less the chunks' own time.
   */
  async function pace(accountId: string, messages: number, perMinute: number): Promise<number> {
    const { rows } = await db.query<{ wait_ms: number }>(
      `INSERT INTO batch_send_pace AS p (account_id, next_at) VALUES ($1, now() + make_interval(secs => $2::float8 * 60 / $3))
       ON CONFLICT (account_id) DO UPDATE
         SET next_at = greatest(p.next_at, now() - make_interval(secs => $2::float8 * 60 / $3)) + make_interval(secs => $2::float8 * 60 / $3)
       RETURNING greatest(0, ceil(1000 * extract(epoch FROM next_at - now())))::int AS wait_ms`,
      [accountId, messages, perMinute],
    );
    return rows[0]!.wait_ms;
  }

  const record = (b: BatchToRun, r: RowToRun): InvitationRecord => ({
    id: r.invitation_id, accountId: b.id, channel: r.channel!, ...(r.email ? { email: r.email } : {}), ...(r.phone ? { phone: r.phone } : {}),
    type: r.invitee_type, role: r.role ?? 'user', invitedBy: b.created_by, locale: r.locale ?? 'en',
  });

  /** Marks rows `starting` with the token generation their invitation starts at, in the transaction that recorded the invitation. */
  async function markStarting(tx: PoolClient, batchId: string, started: Array<{ line: number; generation: number }>): Promise<void> {
    await tx.query(
      `UPDATE invitation_batch_rows r SET outcome = 'starting', token_generation = s.generation
         FROM unnest($2::int[], $3::int[]) AS s(line, generation) WHERE r.batch_id = $1 AND r.line = s.line`,
      [batchId, started.map((s) => s.line), started.map((s) => s.generation)],
    );
  }

  /** Records the invitations of a chunk's pending rows: active users are settled, new people marked starting; the rest were invited before. */
  async function recordPending(b: BatchToRun, pending: RowToRun[], settled: Settled[], toStart: RowToRun[]): Promise<RowToRun[]> {
    return inTransaction(db, async (tx) => {
      const emails = pending.flatMap((r) => (r.email ? [r.email] : []));
      const { rows: users } = await tx.query<{ email: string }>(
        `SELECT lower(email) AS email FROM users WHERE account_id = $1 AND lower(email) = ANY($2) AND status = 'active'`,
        [b.id, emails],
      );
      const active = new Set(users.map((u) => u.email));
      const rest = pending.filter((r) => {
        if (!r.email || !active.has(r.email)) return true;
        settled.push({ line: r.line, outcome: 'already_user', detail: `${r.email} already has an active account in this company` });
        return false;
      });
      const inserted = await createInvitationRecords(tx).insertNewMany(rest.map((r) => record(b, r)));
      const fresh = rest.filter((r) => inserted.has(r.invitation_id)).map((r) => ({ ...r, token_generation: inserted.get(r.invitation_id)!.token_generation + 1 }));
      await markStarting(tx, b.batch_id, fresh.map((r) => ({ line: r.line, generation: r.token_generation })));
      await settle(tx, b.batch_id, settled);
      toStart.push(...fresh);
      return rest.filter((r) => !inserted.has(r.invitation_id));
    });
  }

  /** Invited before: a live invitation is left as it is (already invited); an ended one is recorded again and started, as a single invitation would be. */
  async function invitedBefore(b: BatchToRun, row: RowToRun, settled: Settled[], toStart: RowToRun[]): Promise<void> {
    const running = await temporal.workflow.getHandle(row.invitation_id).describe().then((d) => d.status.name === 'RUNNING', (err) => {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    });
    if (running) {
      settled.push({ line: row.line, outcome: 'already_invited', detail: 'a live invitation exists; it was left as it is' });
      return;
    }
    await inTransaction(db, async (tx) => {
      const replaced = await createInvitationRecords(tx).replaceEnded(record(b, row));
      await markStarting(tx, b.batch_id, [{ line: row.line, generation: replaced.token_generation + 1 }]);
      toStart.push({ ...row, token_generation: replaced.token_generation + 1 });
    });
  }

  async function start(b: BatchToRun, row: RowToRun, taskQueue: string, settled: Settled[]): Promise<void> {
    const invitee = {
      id: row.invitation_id, channel: row.channel!, ...(row.email ? { email: row.email } : {}), ...(row.phone ? { phone: row.phone } : {}),
      type: row.invitee_type, role: row.role ?? 'user', ...(row.license ? { license: row.license } : {}),
    };
    const sendAt = row.send_at ? row.send_at.toISOString() : undefined;
    try {
      await temporal.workflow.start(workflows.invitationWorkflow, clientStartOptions(invitationStart(b, b.inviter_name, b.inviter_role, invitee, sendAt, row.token_generation!), taskQueue));
      settled.push({ line: row.line, outcome: 'started' });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) settled.push({ line: row.line, outcome: 'started' });
      else if (isRefusedStart(err)) settled.push({ line: row.line, outcome: 'failed', detail: reason(err) });
      else throw err; // Temporal out of reach: the chunk is retried, and these rows are still `starting`
    }
  }

  async function inviteRows(b: BatchToRun, rows: RowToRun[]): Promise<{ settled: Settled[]; messages: number }> {
    const settled: Settled[] = [];
    const toStart = rows.filter((r) => r.outcome === 'starting');
    const pending = rows.filter((r) => r.outcome === 'pending');
    const before = pending.length > 0 ? await recordPending(b, pending, settled, toStart) : [];
    const recorded = settled.length;
    await eachLimited(before, (row) => invitedBefore(b, row, settled, toStart));
    const taskQueue = Context.current().info.taskQueue;
    await eachLimited(toStart, (row) => start(b, row, taskQueue, settled));
    await settle(db, b.batch_id, settled.slice(recorded));
    const now = Date.now();
    const messages = toStart.filter((r) => !r.send_at || r.send_at.getTime() <= now).length;
    return { settled, messages };
  }

  async function actOnRows(b: BatchToRun, rows: RowToRun[]): Promise<{ settled: Settled[]; messages: number }> {
    const update = { resend: resendInvitation, remind: remindInvitee, revoke: revokeInvitation }[b.kind as Exclude<BatchKind, 'invite'>];
    const settled: Settled[] = [];
    await eachLimited(rows, async (row) => {
      settled.push(await act(b, row, update));
    });
    await settle(db, b.batch_id, settled);
    return { settled, messages: b.kind === 'revoke' ? 0 : settled.filter((s) => s.outcome === 'done').length };
  }

  /** One invitation asked once: the update id makes a retried chunk's second ask return the first answer. */
  async function act(b: BatchToRun, row: RowToRun, update: UpdateDefinition<InvitationStatus, []>): Promise<Settled> {
    try {
      const status = await temporal.workflow.getHandle(row.invitation_id).executeUpdate(update, { updateId: `batch:${b.batch_id}:${row.line}` });
      if (b.kind === 'resend' && status.stage === 'delivery_failed') return { line: row.line, outcome: 'failed', detail: `still undeliverable: ${status.deliveryFailure ?? ''}` };
      const detail = { resend: 'new link sent', remind: 'reminder sent (one per link)', revoke: 'revoked' }[b.kind as Exclude<BatchKind, 'invite'>];
      return { line: row.line, outcome: 'done', detail };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { line: row.line, outcome: 'skipped', detail: 'the invitation has ended' };
      if (err instanceof WorkflowUpdateFailedError) return { line: row.line, outcome: 'skipped', detail: reason(err) };
      throw err;
    }
  }

  return {
    /** The batch's next chunk: up to `limit` rows fanned out, their outcomes recorded, and how long the account's pace asks to wait. */
    async runBatchChunk({ batchId, limit }: { batchId: string; limit: number }): Promise<BatchChunkResult> {
      const b = await loadBatch(batchId);
      const { rows } = await db.query<RowToRun>(
        `SELECT line, invitation_id, channel, email, phone, invitee_type, role, license, locale, send_at, outcome, token_generation
           FROM invitation_batch_rows WHERE batch_id = $1 AND outcome IN ('pending', 'starting') ORDER BY line LIMIT $2`,
        [batchId, limit],
      );
      const { settled, messages } = rows.length === 0 ? { settled: [], messages: 0 } : b.kind === 'invite' ? await inviteRows(b, rows) : await actOnRows(b, rows);
      const finished = rows.length < limit;
      // Completed, and reported to webhooks, in one statement.
      if (finished) {
        await db.query(
          withWebhookEvents([
            `batch AS (
             UPDATE invitation_batches SET status = 'completed', ended_at = now() WHERE id = $1 AND status = 'running'
             RETURNING id, account_id, kind, row_count, ended_at)`,
            `batch_events AS (
             SELECT account_id, 'invitation_batch.completed' AS type, 'invitation-batch:' || id AS subject, id || '|invitation_batch.completed' AS dedupe_key,
                    jsonb_build_object('invitationBatchId', id, 'kind', kind, 'rows', row_count, 'completedAt', ended_at) AS data
               FROM batch)`,
          ], ['batch_events']),
          [batchId],
        );
      }
      return { counts: countOf(settled), finished, waitMs: finished ? 0 : await pace(b.id, messages, b.rate) };
    },

    /** A cancelled batch: rows not yet started are cancelled; started invitations still scheduled well ahead are revoked; sent ones stay. */
    async cancelBatchRows({ batchId }: { batchId: string }): Promise<BatchProgressCounts> {
      const b = await loadBatch(batchId);
      const { rowCount: cancelled } = await db.query(
        `UPDATE invitation_batch_rows SET outcome = 'cancelled', detail = 'the batch was cancelled before this row''s turn', settled_at = now()
          WHERE batch_id = $1 AND outcome = 'pending'`,
        [batchId],
      );
      const { rows: scheduled } = await db.query<{ line: number; invitation_id: string }>(
        `SELECT line, invitation_id FROM invitation_batch_rows
          WHERE batch_id = $1 AND outcome = 'started' AND send_at > now() + interval '${REVOKE_MARGIN}' ORDER BY line`,
        [batchId],
      );
      const revoked: Settled[] = [];
      await eachLimited(scheduled, async (row) => {
        const handle = temporal.workflow.getHandle(row.invitation_id);
        try {
          if ((await handle.query(getInvitationStatus)).stage !== 'scheduled') return;
          await handle.executeUpdate(revokeInvitation, { updateId: `batch-cancel:${batchId}:${row.line}` });
          revoked.push({ line: row.line, outcome: 'revoked', detail: 'scheduled and not sent: revoked when the batch was cancelled' });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError)) throw err;
        }
      });
      await settle(db, batchId, revoked);
      await db.query(`UPDATE invitation_batches SET status = 'cancelled', ended_at = now() WHERE id = $1 AND status <> 'cancelled'`, [b.batch_id]);
      return { cancelled: cancelled ?? 0, revoked: revoked.length };
    },
  };
}
