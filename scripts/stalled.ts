// `npm run stalled -- --stage license_pending --older-than 3d --action recheck-seats [--dry-run] [--json] [--account acme]`
// Finds invitations stalled in a stage and pushes them forward (see operations/stalled-activations.ts).
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../config';
import { createDb } from '../db';
import { localDatabaseUrl } from './local-stack/postgres';
import { connectScriptClient } from '../config/temporal';
import { findStalled, stalledQuery, sweep, sweepActions, type StalledInvitation } from '../operations/stalled-activations';
import { sweepFromArgs, sweepOptions } from './stalled-args';
import { invitationBatchWorkflow } from '../workflows';

const usage = `Usage: npm run stalled -- --stage <stage> [--older-than 3d] [--expiring-within 2d] [--account <id>]
                          [--action ${Object.keys(sweepActions).join('|')}] [--dry-run] [--json]
Without --action, or with --dry-run, it only lists.`;

function table(rows: Array<Record<string, string | undefined>>): string {
  if (rows.length === 0) return '(none)';
  const cols = Object.keys(rows[0]!);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i]!)).join('  ');
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c] ?? '')))].join('\n');
}

const row = (s: StalledInvitation & { result?: string; detail?: string }) => ({
  workflow: s.workflowId, account: s.accountId, invitee: s.invitee, since: s.stageSince?.slice(0, 19).replace('T', ' '),
  ...(s.expiresAt ? { expires: s.expiresAt.slice(0, 19).replace('T', ' ') } : {}),
  ...(s.waitingReason ? { waiting: s.waitingReason } : {}),
  ...(s.result ? { result: s.result, detail: s.detail } : {}),
});

async function main() {
  const { values } = parseArgs({
    options: { ...sweepOptions, 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, help: { type: 'boolean' } },
  });
  if (values.help || !values.stage) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  const { criteria, action } = sweepFromArgs(values);

  const config = loadConfig();
  const client = await connectScriptClient(config);
  const connection = client.connection;
  try {
    if (!action || values['dry-run']) {
      const found = await findStalled(client, criteria);
      if (values.json) console.log(JSON.stringify({ query: stalledQuery(criteria), found: found.length, invitations: found }, null, 2));
      else console.log(`${table(found.map(row))}\n\n${found.length} stalled in ${criteria.stage}${action ? ` (dry run: would ${action})` : ''}.\nQuery: ${stalledQuery(criteria)}`);
      return;
    }
    // A progress bar for people at a terminal; plain output for logs and pipes.
    const bar = process.stderr.isTTY && !values.json ? new SingleBar({ format: `${action} [{bar}] {value}/{total}` }) : undefined;
    // Reminders and resends are recorded as batches there, for the worker on this task queue to carry out.
    const db = createDb(config.DATABASE_URL ?? localDatabaseUrl(config.POSTGRES_PORT, 'onboarding'), { max: 2 });
    const summary = await sweep({ temporal: client, db, taskQueue: config.TEMPORAL_TASK_QUEUE, invitationBatchWorkflow }, criteria, action, (done, total) => {
      if (!bar) return;
      if (done === 0) bar.start(total, 0);
      else bar.update(done);
    }).finally(() => db.end());
    bar?.stop();
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    else {
      const batches = summary.batches.map((b) => `\nBatch ${b.batchId} (${b.accountId}): GET /v1/accounts/${b.accountId}/invitation-batches/${b.batchId}, workflow ${b.workflowId}`).join('');
      console.log(`${table(summary.outcomes.map(row))}\n\n${action}: found ${summary.found}, done ${summary.done}, skipped ${summary.skipped}, failed ${summary.failed}.${batches}`);
    }
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(`stalled: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
