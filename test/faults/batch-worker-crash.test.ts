// Workers killed (SIGKILL) at random moments while a 300-row batch fans out: every row ends in
// exactly one outcome, every invitee gets exactly one email (one Message-ID), no invitation twice.
import { eventually } from '../support/stack';
import { csv, endedBatch, setBatchPace, uploadCsv } from '../support/batches';
import { recordCounts } from '../support/test-logs';
import { deliveryCounts, stackWithWorkerProcesses } from './crash-support';

const run = stackWithWorkerProcesses();

const ROWS = 300;
const KILLS = 3;

test(`workers killed at random while a ${ROWS}-row batch fans out: one outcome per row, one email per invitee`, async () => {
  const { stack, workers } = run;
  const account = await stack.createAccount({ id: 'batch-crash', companyDomains: ['crash.test'] });
  // 6,000 messages a minute: a chunk of 100 every second, so the kills land between and inside chunks.
  await setBatchPace(stack, account.id, 6_000);
  const emails = Array.from({ length: ROWS }, (_, i) => `c${i}@crash.test`);
  await run.spawnWorker();
  const res = await uploadCsv(stack, account.id, csv('email', emails), { credential: account.credential });
  expect(res.status).toBe(202);

  const progress: string[] = [];
  const outcomesNow = async () =>
    (await stack.db.query(`SELECT outcome, count(*)::int AS n FROM invitation_batch_rows WHERE batch_id = $1 GROUP BY outcome ORDER BY outcome`, [res.body.batchId])).rows;
  for (let k = 0; k < KILLS; k++) {
    if (k % 2 === 0) {
      // Mid-chunk: its invitations are recorded and their starts are on the wire.
      await eventually(async () => (await outcomesNow()).some((r) => r.outcome === 'starting'), 30_000, 'a chunk in flight');
    } else {
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1_200));
    }
    progress.push((await outcomesNow()).map((r) => `${r.outcome}:${r.n}`).join(' '));
    await workers.at(-1)!.kill();
    await run.spawnWorker();
  }
  const batch = await endedBatch(stack, account.id, res.body.batchId, account.credential, 120_000);
  const wanted = new Set(emails);
  const delivered = () => stack.inbox.messages.filter((m) => wanted.has(m.to[0]!));
  await eventually(async () => new Set(delivered().map((m) => m.to[0])).size === ROWS, 120_000, 'every invitee\'s email');
  await new Promise((r) => setTimeout(r, 2_000));

  const received = delivered();
  const { rows: outcomes } = await stack.db.query(`SELECT outcome, count(*)::int AS n FROM invitation_batch_rows WHERE batch_id = $1 GROUP BY outcome`, [res.body.batchId]);
  const { rows: invitations } = await stack.db.query(`SELECT count(*)::int AS n, max(token_generation)::int AS generation FROM invitations WHERE account_id = $1`, [account.id]);
  const counts = {
    rows: ROWS,
    outcomes: Object.fromEntries(outcomes.map((r) => [r.outcome, r.n])),
    invitations: invitations[0].n,
    maxTokenGeneration: invitations[0].generation,
    ...deliveryCounts(received, emails),
    kills: KILLS,
    rowsAtEachKill: progress,
  };
  recordCounts('batch with workers killed at random', counts);
  expect(counts).toMatchObject({ outcomes: { started: ROWS }, invitations: ROWS, maxTokenGeneration: 1, received: ROWS, duplicates: 0, lost: 0 });
  expect(batch.totals).toMatchObject({ accepted: ROWS, started: ROWS, pending: 0, failed: 0 });
  const final = await stack.api('GET', `/v1/accounts/${account.id}/invitation-batches/${res.body.batchId}`, { credential: account.credential });
  expect(final.body.totals).toMatchObject({ started: ROWS, sent: ROWS });
  // The kills landed while the batch was still fanning out.
  expect(progress[0]).toMatch(/pending/);
}, 240_000);
