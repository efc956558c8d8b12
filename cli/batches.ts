// Following a batch (an upload of invitations, or a bulk resend, remind or revoke) until it ends:
// a progress bar with its ETA on stderr, then the outcomes as a table and the exit code they earn.
import { readFile } from 'node:fs/promises';
import { SingleBar, Presets } from 'cli-progress';
import type { ApiClient } from './client';
import { table } from './table';

export interface BatchTotals {
  accepted: number; pending: number; started: number; scheduled: number; sent: number; failed: number;
  alreadyInvited: number; alreadyAUser: number; cancelled: number; revoked: number; done: number; skipped: number;
}
export interface BatchRow {
  line: number; channel: string | null; invitee: string | null; invitationId: string; outcome: string; detail: string | null; delivery: string | null;
}
export interface BatchAccepted { batchId: string; kind: string; status: 'running' | 'completed' | 'cancelled'; rowCount: number; created: boolean }
export interface BatchView extends BatchAccepted { totals: BatchTotals; rows: BatchRow[]; nextCursor?: string }

export const exitCodes = { ok: 0, error: 1, partial: 2 } as const;

export const batchesPath = (accountId: string) => `/v1/accounts/${encodeURIComponent(accountId)}/invitation-batches`;

/** Rows that went through: nothing failed and nothing was cancelled. */
export function exitCodeOf(b: BatchView): number {
  return b.status === 'cancelled' || b.totals.failed > 0 || b.totals.cancelled > 0 ? exitCodes.partial : exitCodes.ok;
}

/** A file's text, or standard input's with `-`. */
export async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the batch (totals only) until it is no longer running, moving the bar as rows settle. */
export async function follow(api: ApiClient, accountId: string, accepted: BatchAccepted, o: { intervalMs?: number; quiet?: boolean } = {}): Promise<BatchView> {
  const path = `${batchesPath(accountId)}/${accepted.batchId}`;
  const bar = new SingleBar(
    {
      format: `${accepted.kind} [{bar}] {percentage}% | {value}/{total} rows | ETA {eta_formatted} | sent {sent} failed {failed}`,
      etaBuffer: 20,
      hideCursor: true,
      noTTYOutput: !o.quiet, // logs and CI get a line now and then instead of nothing
      notTTYSchedule: 5_000,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  bar.start(accepted.rowCount, 0, { sent: 0, failed: 0 });
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  try {
    for (;;) {
      const b = await api.json<BatchView>('GET', path, { query: { limit: 1 } });
      bar.update(b.totals.accepted - b.totals.pending, { sent: b.totals.sent, failed: b.totals.failed });
      if (b.status !== 'running') return b;
      if (interrupted) throw new Interrupted(accepted.batchId);
      await sleep(o.intervalMs ?? 1_000);
    }
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSigint);
  }
}

export class Interrupted extends Error {
  constructor(readonly batchId: string) {
    super(`Stopped following; batch ${batchId} goes on. See it with \`onboarding batch ${batchId}\`, or stop it with \`onboarding cancel ${batchId}\`.`);
  }
}

/**
 * An invite batch completes when every row has its outcome; its messages may still be on their way.
 * Follows them (sent or failed) for up to `timeoutMs`, so the table and the exit code tell of deliveries too.
 * Scheduled invitations are not waited for.
 */
export async function awaitDeliveries(api: ApiClient, accountId: string, b: BatchView, o: { timeoutMs: number; intervalMs?: number; quiet?: boolean }): Promise<BatchView> {
  if (b.kind !== 'invite' || b.status !== 'completed' || o.timeoutMs <= 0) return b;
  const rowFailures = (await allRows(api, accountId, b.batchId, 'failed')).length; // rows refused at start: no delivery
  const owed = (t: BatchTotals) => t.started - t.scheduled;
  const delivered = (t: BatchTotals) => t.sent + t.failed - rowFailures;
  if (delivered(b.totals) >= owed(b.totals)) return b;
  const bar = new SingleBar(
    { format: 'delivery [{bar}] {value}/{total} messages | sent {sent} failed {failed}', hideCursor: true, noTTYOutput: !o.quiet, notTTYSchedule: 5_000, stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(owed(b.totals), delivered(b.totals), { sent: b.totals.sent, failed: b.totals.failed - rowFailures });
  const deadline = Date.now() + o.timeoutMs;
  let current = b;
  try {
    while (delivered(current.totals) < owed(current.totals) && Date.now() < deadline) {
      await sleep(o.intervalMs ?? 1_000);
      current = await api.json<BatchView>('GET', `${batchesPath(accountId)}/${b.batchId}`, { query: { limit: 1 } });
      bar.setTotal(owed(current.totals));
      bar.update(delivered(current.totals), { sent: current.totals.sent, failed: current.totals.failed - rowFailures });
    }
  } finally {
    bar.stop();
  }
  return current;
}

/** Every row of the batch (or those with one outcome), page by page. */
export async function allRows(api: ApiClient, accountId: string, batchId: string, outcome?: string): Promise<BatchRow[]> {
  const rows: BatchRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.json<BatchView>('GET', `${batchesPath(accountId)}/${batchId}`, { query: { limit: 500, cursor, outcome } });
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

const outcomeLabels: [keyof BatchTotals, string][] = [
  ['started', 'started'], ['done', 'done'], ['alreadyInvited', 'already invited'], ['alreadyAUser', 'already a user'],
  ['skipped', 'skipped'], ['failed', 'failed'], ['cancelled', 'cancelled'], ['revoked', 'revoked'], ['pending', 'pending'],
];

/** Counts by outcome, then the rows that did not go through (the first `maxRows`). */
export function outcomeReport(b: BatchView, rows: BatchRow[], maxRows = 50): string {
  const counts = outcomeLabels.filter(([k]) => b.totals[k] > 0).map(([k, label]) => [label, b.totals[k]]);
  const deliveries = b.kind === 'invite' ? [['emails/texts sent', b.totals.sent], ...(b.totals.scheduled ? [['scheduled', b.totals.scheduled]] : [])] : [];
  const out = [`Batch ${b.batchId} (${b.kind}): ${b.status}, ${b.totals.accepted} rows`, '', table(['outcome', 'rows'], [...counts, ...deliveries, ['total', b.totals.accepted]])];
  const problems = rows.filter((r) => ['failed', 'skipped', 'cancelled', 'revoked'].includes(r.outcome) || r.delivery === 'failed');
  if (problems.length > 0) {
    out.push('', `Rows that did not go through (${problems.length}):`);
    out.push(table(['line', 'invitee', 'outcome', 'delivery', 'detail'], problems.slice(0, maxRows).map((r) => [r.line, r.invitee ?? r.invitationId, r.outcome, r.delivery, r.detail])));
    if (problems.length > maxRows) out.push(`… and ${problems.length - maxRows} more: \`onboarding batch ${b.batchId} --report report.csv\``);
  }
  return out.join('\n');
}
