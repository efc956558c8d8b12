// Invitation batches and bulk actions: every row checked before anything is recorded or sent (a
// dry run stops there and prices the seats the batch would wait for), then the batch and its rows
// recorded in one transaction and its one workflow started; reading a batch's totals and rows,
// cancelling it, and its report as CSV. The batch workflow and its activities do the rest.
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { InvitationFilter } from '../../../db/read-model';
import { checkBatchRows, seatNeeded, type BatchRow, type BatchRowError } from '../../../domain/batch-rows';
import { MAX_BATCH_ROWS, type BatchKind, type BatchRowOutcome, type BulkAction } from '../../../domain/invitation-batches';
import { licenseNames, type PaidLicense } from '../../../domain/licenses';
import { seatPurchasePrice } from '../../../domain/provisioning-requests';
import { resolveSchedule } from '../../../domain/schedule';
import { invitationBatchWorkflow } from '../../../workflows';
import { cancelBatch, invitationBatchWorkflowId } from '../../../workflows/invitation-batch/definitions';
import { batchStartOptions } from '../../../workflows/invitation-batch/start';
import { invitationIdFor } from '../../../workflows/invitation/start';
import { askWorkflow } from '../../deadlines';
import { updateProblem } from '../../failures';
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import { invitationsVisibleTo } from '../lists/lists-policy';
import { rowsFromCsv, rowsFromJson, type JsonInvitationRow, type ParsedRows } from './batch-input';
import { reportCsv } from './batch-report';
import type { ActionableInvitation, BatchAccount, BatchesData, BatchRecord, BatchRowView, BatchTotals, RowToRecord } from './batches-data';
import type { BatchPolicy } from './batches-policy';

/** An upload of invitations: a CSV file's text, or a JSON list. */
export type InvitationUpload = { source: 'csv'; csv: string; timeZone?: string } | { source: 'json'; invitations: JsonInvitationRow[]; timeZone?: string };
/**
 * A bulk action on invitations named by id, or selected by a filter (the invitation list's, as the
 * read model takes it): exactly one of the two.
 */
export type BulkActionRequest = { action: BulkAction } & ({ invitationIds: string[] } | { filter: InvitationFilter });
export interface BatchOptions {
  dryRun: boolean;
  /** The request's Idempotency-Key: the same key names the same batch, so a retry after a failure records nothing twice. */
  idempotency?: { credentialId: string; key: string };
}

export interface SeatsToWaitFor {
  license: PaidLicense;
  /** Rows whose invitee will wait for a seat of this license after signup. */
  needed: number;
  free: number;
  /** Invitations already in line for one. */
  waiting: number;
  /** Seats to buy so that none of this batch waits: a batch never buys them. */
  missing: number;
  monthlyPriceCents: number;
}

export interface DryRun {
  dryRun: true;
  kind: BatchKind;
  rows: number;
  /** Invite: rows whose invitation would start (active users are left out). Bulk: invitations to ask. */
  wouldProcess: number;
  alreadyAUser: number;
  /** People with an invitation on record: a live one is left as it is (already invited), an ended one starts again. */
  invitedBefore: number;
  byChannel: { email: number; text: number };
  scheduled: number;
  seats: SeatsToWaitFor[];
  seatsMissing: number;
  currency: 'USD';
  note: string;
  /** A bulk action named by a filter: how many invitations it selected. */
  matched?: number;
}

export interface BatchAccepted {
  batchId: string;
  workflowId: string;
  kind: BatchKind;
  status: BatchRecord['status'];
  rowCount: number;
  /** False when this upload (same Idempotency-Key) was accepted before: nothing new was started. */
  created: boolean;
  /** A bulk action named by a filter: how many invitations it selected (its rows). */
  matched?: number;
}

export interface BatchView extends BatchAccepted {
  source: BatchRecord['source'];
  createdAt: string;
  endedAt?: string;
  totals: BatchTotals;
  rows: BatchRowView[];
  /** Give it as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface BatchServiceDeps {
  batchesData: BatchesData;
  policy: BatchPolicy;
  temporal: Client;
  taskQueue: string;
}

/** Problems listed in one answer; the count says how many there were in all. */
const MAX_LISTED_ERRORS = 1_000;

const rowsRejected = (errors: BatchRowError[]) => problems.batchRowsInvalid(errors.slice(0, MAX_LISTED_ERRORS), errors.length);

/** A uuid named by the account, credential and Idempotency-Key (the same three always give the same one). */
function batchIdFor(accountId: string, idempotency: BatchOptions['idempotency']): string {
  if (!idempotency) return randomUUID();
  const h = createHash('sha256').update(`${accountId}\n${idempotency.credentialId}\n${idempotency.key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const cursorFor = (line: number) => Buffer.from(`line:${line}`).toString('base64url');
function lineOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  const m = /^line:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw problems.validation('The cursor is not one this API gave.', [{ field: 'querystring.cursor', message: 'Use the nextCursor of the previous page' }]);
  return Number(m[1]);
}

export function createBatchService({ batchesData, policy, temporal, taskQueue }: BatchServiceDeps) {
  async function accountOf(caller: Caller): Promise<BatchAccount> {
    const account = await batchesData.account(caller.accountId);
    if (!account) throw problems.notFound(`Account ${caller.accountId}`);
    policy.assertMayInvite(caller, account);
    return account;
  }

  /** Every row checked against the account: the valid rows, or the 422 listing each problem with its line. */
  function checked(parsed: ParsedRows, account: BatchAccount, caller: Caller, timeZone: string | undefined): BatchRow[] {
    if (parsed.errors.length > 0) throw rowsRejected(parsed.errors);
    const zone = timeZone ?? account.time_zone;
    const probe = resolveSchedule({ localDateTime: '2999-01-01T00:00', timeZone: zone }, new Date());
    if (!probe.ok && probe.field === 'schedule.timeZone') throw problems.validation('The batch was not accepted.', [{ field: 'timeZone', message: probe.message }]);
    const { rows, errors } = checkBatchRows(parsed.rows, {
      country: account.country, companyDomains: account.company_domains, locale: account.locale, timeZone: zone, callerIsAdmin: caller.role !== 'user', now: new Date(),
    });
    if (errors.length > 0) throw rowsRejected(errors);
    return rows;
  }

  async function dryRunOf(account: BatchAccount, rows: BatchRow[]): Promise<DryRun> {
    const emails = rows.flatMap((r) => (r.email ? [r.email] : []));
    const [active, seats, before] = await Promise.all([
      batchesData.activeUsers(account.id, emails),
      batchesData.seats(account.id),
      batchesData.invitations(account.id, rows.map((r) => invitationIdFor(account.id, r.email ?? r.phone!))),
    ]);
    const toInvite = rows.filter((r) => !(r.email && active.has(r.email)));
    const waits = seats.map((s): SeatsToWaitFor => {
      const needed = toInvite.filter((r) => seatNeeded(r, account.plan) === s.license).length;
      const missing = Math.max(0, needed + s.waiting - Math.max(0, s.free));
      return { license: s.license, needed, free: Math.max(0, s.free), waiting: s.waiting, missing, monthlyPriceCents: missing ? seatPurchasePrice(s.license, missing).totalCents : 0 };
    });
    const missing = waits.filter((w) => w.missing > 0);
    return {
      dryRun: true, kind: 'invite', rows: rows.length, wouldProcess: toInvite.length, alreadyAUser: rows.length - toInvite.length, invitedBefore: before.size,
      byChannel: { email: toInvite.filter((r) => r.channel === 'email').length, text: toInvite.filter((r) => r.channel === 'text').length },
      scheduled: toInvite.filter((r) => r.sendAt).length,
      seats: waits, seatsMissing: missing.reduce((a, w) => a + w.missing, 0), currency: 'USD',
      note: missing.length === 0
        ? 'Nothing was sent. Every invitee who needs a paid seat will find one free.'
        : `Nothing was sent. A batch never buys seats: ${missing.map((w) => `${w.missing} ${licenseNames[w.license]}`).join(' and ')} seat(s) are missing, so that many invitees would wait in license pending until seats are bought (POST …/licenses/{license}/seats).`,
    };
  }

  /** Records the batch and its rows, then starts its workflow; the same batch again (same Idempotency-Key) starts nothing new. */
  async function accept(caller: Caller, kind: BatchKind, source: 'csv' | 'json', rows: RowToRecord[], options: BatchOptions): Promise<BatchAccepted> {
    const id = batchIdFor(caller.accountId, options.idempotency);
    const workflowId = invitationBatchWorkflowId(caller.accountId, id);
    const { batch, created } = await batchesData.insert({ id, account_id: caller.accountId, created_by: caller.userId, kind, source, row_count: rows.length, workflow_id: workflowId }, rows);
    try {
      await temporal.workflow.start(invitationBatchWorkflow, batchStartOptions({
        batchId: id, accountId: caller.accountId, kind, rowCount: batch.row_count, source,
        details: `Uploaded by ${caller.name || caller.userId} (${caller.role.replace('_', ' ')})`,
      }, taskQueue));
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { batchId: id, workflowId, kind, status: batch.status, rowCount: batch.row_count, created };
  }

  async function view(batch: BatchRecord, page: { cursor?: string; limit?: number; outcome?: BatchRowOutcome }): Promise<BatchView> {
    const limit = page.limit ?? 100;
    const [totals, rows] = await Promise.all([batchesData.totals(batch.id), batchesData.rows(batch.id, { after: lineOf(page.cursor), limit: limit + 1, outcome: page.outcome })]);
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    return {
      batchId: batch.id, workflowId: batch.workflow_id, kind: batch.kind, status: batch.status, rowCount: batch.row_count, created: false, source: batch.source,
      createdAt: batch.created_at.toISOString(), ...(batch.ended_at ? { endedAt: batch.ended_at.toISOString() } : {}),
      totals, rows: shown, ...(more ? { nextCursor: cursorFor(shown.at(-1)!.line) } : {}),
    };
  }

  const rowFor = (line: number, id: string, invitation: ActionableInvitation): RowToRecord => ({
    line, invitationId: id,
    ...(invitation.channel !== 'link' ? { channel: invitation.channel } : {}), ...(invitation.email ? { email: invitation.email } : {}), ...(invitation.phone ? { phone: invitation.phone } : {}),
  });

  /** Invitations named by id: each one the caller's to act on, none twice; otherwise the 422 listing each. */
  async function named(account: BatchAccount, caller: Caller, ids: string[]): Promise<RowToRecord[]> {
    const found = await batchesData.invitations(account.id, ids);
    const errors: BatchRowError[] = [];
    const seen = new Map<string, number>();
    const rows: RowToRecord[] = [];
    const missing: BatchRowError[] = [];
    ids.forEach((id, i) => {
      const line = i + 1;
      const invitation = found.get(id);
      // What does not exist is the state of the data (404), not a malformed request (422).
      if (!invitation || !policy.mayActOn(caller, invitation)) missing.push({ line, field: 'invitationIds', message: `Invitation ${id} was not found` });
      else if (seen.has(id)) errors.push({ line, field: 'invitationIds', message: `${id} is also item ${seen.get(id)}` });
      else {
        seen.set(id, line);
        rows.push(rowFor(line, id, invitation));
      }
    });
    if (missing.length > 0) throw problems.batchInvitationsNotFound(missing.slice(0, MAX_LISTED_ERRORS), missing.length);
    if (errors.length > 0) throw rowsRejected(errors);
    return rows;
  }

  /**
   * Invitations selected by the list's filter, as the list shows them to this caller (users: their
   * own), newest first: 1 to MAX_BATCH_ROWS of them, or the 422 saying how many and how to narrow it.
   */
  async function selected(account: BatchAccount, caller: Caller, filter: InvitationFilter): Promise<{ rows: RowToRecord[]; matched: number }> {
    const { invitations, total } = await batchesData.matching(account.id, invitationsVisibleTo(caller, filter), MAX_BATCH_ROWS);
    if (total === 0 || total > MAX_BATCH_ROWS) throw problems.bulkFilterOutOfRange(total, MAX_BATCH_ROWS);
    return { rows: invitations.map(([id, invitation], i) => rowFor(i + 1, id, invitation)), matched: total };
  }

  return {
    /** Invitations from a CSV or JSON upload: all rows checked first; a dry run stops there and prices. */
    async invite(caller: Caller, upload: InvitationUpload, options: BatchOptions): Promise<DryRun | BatchAccepted> {
      const account = await accountOf(caller);
      const parsed = upload.source === 'csv' ? rowsFromCsv(upload.csv) : rowsFromJson(upload.invitations);
      const rows = checked(parsed, account, caller, upload.timeZone);
      if (options.dryRun) return dryRunOf(account, rows);
      const toRecord = rows.map((r): RowToRecord => ({ ...r, invitationId: invitationIdFor(account.id, r.email ?? r.phone!) }));
      return accept(caller, 'invite', upload.source, toRecord, options);
    },

    /**
     * Resend, remind or revoke many invitations through the same mechanism, named by id or selected
     * by the invitation list's filter; each must be the caller's to act on.
     */
    async act(caller: Caller, request: BulkActionRequest, options: BatchOptions): Promise<DryRun | BatchAccepted> {
      const account = await accountOf(caller);
      const { rows, matched } = 'filter' in request ? await selected(account, caller, request.filter) : { rows: await named(account, caller, request.invitationIds), matched: undefined };
      const counted = matched === undefined ? {} : { matched };
      if (options.dryRun) {
        return {
          dryRun: true, kind: request.action, rows: rows.length, wouldProcess: rows.length, alreadyAUser: 0, invitedBefore: rows.length,
          byChannel: { email: rows.filter((r) => r.channel === 'email').length, text: rows.filter((r) => r.channel === 'text').length }, scheduled: 0,
          seats: [], seatsMissing: 0, currency: 'USD',
          note: `Nothing was done. Each invitation whose stage does not take "${request.action}" will be skipped with the reason.`,
          ...counted,
        };
      }
      return { ...(await accept(caller, request.action, 'json', rows, options)), ...counted };
    },

    async get(caller: Caller, batchId: string, page: { cursor?: string; limit?: number; outcome?: BatchRowOutcome } = {}): Promise<BatchView> {
      return view(policy.assertMaySee(caller, await batchesData.byId(caller.accountId, batchId), batchId), page);
    },

    /** Stops the rows not yet started and revokes scheduled ones well ahead of their send; sent invitations stay as they are. */
    async cancel(caller: Caller, batchId: string): Promise<BatchView> {
      const batch = policy.assertMaySee(caller, await batchesData.byId(caller.accountId, batchId), batchId);
      if (batch.status !== 'running') throw problems.wrongStage(`Invitation batch ${batchId} has ${batch.status === 'completed' ? 'completed' : 'been cancelled'}; nothing is left to cancel`);
      try {
        const handle = temporal.workflow.getHandle(batch.workflow_id);
        await askWorkflow(temporal, () => handle.startUpdate(cancelBatch, { waitForStage: 'ACCEPTED' }));
      } catch (err) {
        throw updateProblem(err, `Invitation batch ${batchId}`);
      }
      return view((await batchesData.byId(caller.accountId, batchId))!, {});
    },

    /** Every row with its outcome, as CSV. */
    async report(caller: Caller, batchId: string): Promise<string> {
      const batch = policy.assertMaySee(caller, await batchesData.byId(caller.accountId, batchId), batchId);
      return reportCsv(await batchesData.rows(batch.id, { after: 0, limit: batch.row_count }));
    },
  };
}
export type BatchService = ReturnType<typeof createBatchService>;
