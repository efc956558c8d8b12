// Webhooks under faults: lifecycle changes (scheduled invitations, then all revoked by a bulk
// action; 500 in `npm test` for the suite's 5 minutes, `WEBHOOK_FAULT_INVITATIONS=500` for 1,000) while the receiver is down, then answers 500 to every other attempt, and the
// worker is killed (SIGKILL) mid-delivery and replaced. Every event is delivered, none is missing,
// every repeat carries an already-seen webhook-id (one id per event), and each person's events
// arrive in order (revoked never before scheduled was acknowledged). The counts go to counts.log.
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { recordCounts } from '../support/test-logs';
import { batchesPath, setBatchPace } from '../support/batches';
import { startReceiver, type Receiver } from './receiver';

let stack: TestStack;
let receiver: Receiver;
const workers: WorkerProcess[] = [];
const INVITATIONS = Number(process.env.WEBHOOK_FAULT_INVITATIONS ?? 250);

beforeAll(async () => {
  stack = await startTestStack({
    inProcessWorker: false,
    deadlines: { workflowAnswerMs: 60_000 },
    webhooks: { allowPrivateAddresses: true, pollIntervalMs: 100, initialRetryDelayMs: 100, maxRetryDelayMs: 1_000, timeoutMs: 2_000, retryWindowMs: 10 * 60_000 },
  });
  receiver = await startReceiver();
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await receiver?.stop();
  await stack?.stop();
});

test(`${INVITATIONS * 2} lifecycle changes through a receiver down, then failing half the time, and a worker kill: every event delivered once by id, in order per person`, async () => {
  await setBatchPace(stack, 'acme', 100_000);
  // Down from the start: connections refused.
  await receiver.stop();
  let answered = 0;
  receiver.answer = () => ({ status: answered++ % 2 === 0 ? 500 : 200, body: 'ok' });
  const created = await stack.api('POST', '/v1/accounts/acme/webhook-endpoints', {
    body: { url: `${receiver.url}/faults`, eventTypes: ['invitation.scheduled', 'invitation.revoked', 'invitation_batch.completed'] },
  });
  expect(created.status).toBe(201);
  const endpointId = created.body.endpoint.id;
  workers.push(await spawnWorkerProcess(stack.workerSettings));

  const started = Date.now();
  const emails = Array.from({ length: INVITATIONS }, (_, i) => `w${i}@acme.test`);
  const ids: string[] = [];
  for (let i = 0; i < emails.length; i += 20) {
    const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: emails.slice(i, i + 20), schedule: { localDateTime: '2031-04-01T09:00', timeZone: 'Europe/Paris' } } });
    expect(res.status).toBe(201);
    ids.push(...res.body.invitations.map((v: { id: string }) => v.id));
  }
  await eventually(async () => (await stack.db.query(`SELECT count(*)::int AS n FROM invitations WHERE stage = 'scheduled'`)).rows[0].n === INVITATIONS, 120_000, 'every invitation scheduled');
  const scheduledAt = Date.now();
  const revoke = await stack.api('POST', batchesPath('acme'), { body: { action: 'revoke', invitationIds: ids } });
  expect(revoke.status).toBe(202);

  // Back up, failing every other attempt; then a kill while deliveries are in flight.
  await receiver.start();
  const failedWhileDown = (await stack.db.query(`SELECT count(*)::int AS n FROM webhook_attempts WHERE status_code IS NULL`)).rows[0].n;
  await eventually(async () => receiver.deliveries.length >= 300, 120_000, 'deliveries under way');
  const deliveredAtKill = receiver.deliveries.filter((d) => d.status === 200).length;
  await workers[0]!.kill();
  workers.push(await spawnWorkerProcess(stack.workerSettings));

  await eventually(async () => (await stack.api('GET', `${batchesPath('acme')}/${revoke.body.batchId}?limit=1`)).body.status === 'completed', 150_000, 'the revoke batch to complete');
  const revokedAt = Date.now();
  const expected = INVITATIONS * 2 + 1;
  const progress = async () => {
    const { rows } = await stack.db.query(`SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, count(*)::int AS total FROM webhook_messages WHERE endpoint_id = $1`, [endpointId]);
    return rows[0] as { delivered: number; total: number };
  };
  await eventually(async () => {
    const p = await progress();
    return p.total === expected && p.delivered === expected;
  }, 180_000, 'every message delivered').catch(async (err: Error) => {
    const { rows: byType } = await stack.db.query(`SELECT ev.type, m.status, count(*)::int AS n, max(m.attempts) AS max_attempts, min(m.next_attempt_at) AS next FROM webhook_messages m JOIN webhook_events ev ON ev.id = m.event_id GROUP BY 1, 2`);
    const { rows: endpoint } = await stack.db.query(`SELECT enabled, disabled_reason, failing_since FROM webhook_endpoints WHERE id = $1`, [endpointId]);
    const workflow = await stack.client.workflow.getHandle(`webhook-delivery:${endpointId}`).describe().then((d) => d.status.name, (e: Error) => e.message);
    throw new Error(`${err.message}: ${JSON.stringify({ progress: await progress(), byType, endpoint, workflow, received: receiver.deliveries.length })}`);
  });
  const deliveredAt = Date.now();

  const { rows: messages } = await stack.db.query<{ message_id: string; type: string; subject: string; id: string }>(
    `SELECT m.message_id, ev.type, ev.subject, m.id FROM webhook_messages m JOIN webhook_events ev ON ev.id = m.event_id WHERE m.endpoint_id = $1 ORDER BY m.id`, [endpointId]);
  const acknowledged = receiver.deliveries.filter((d) => d.status === 200);
  const firstAck = new Map<string, number>();
  for (const d of acknowledged) if (!firstAck.has(d.headers['webhook-id']!)) firstAck.set(d.headers['webhook-id']!, d.at);
  const firstSeen = new Map<string, number>();
  for (const d of receiver.deliveries) if (!firstSeen.has(d.headers['webhook-id']!)) firstSeen.set(d.headers['webhook-id']!, d.at);
  // One webhook-id per event: the same change never arrives under two ids.
  const idsPerEvent = new Map<string, Set<string>>();
  for (const d of receiver.deliveries) {
    const p = JSON.parse(d.body) as { type: string; timestamp: string; data: { invitationId?: string; invitationBatchId?: string } };
    const key = `${p.type} ${p.data.invitationId ?? p.data.invitationBatchId} ${p.timestamp}`;
    idsPerEvent.set(key, (idsPerEvent.get(key) ?? new Set()).add(d.headers['webhook-id']!));
  }
  const bySubject = new Map<string, typeof messages>();
  for (const m of messages) bySubject.set(m.subject, [...(bySubject.get(m.subject) ?? []), m]);
  let outOfOrder = 0;
  for (const ms of bySubject.values()) {
    for (let i = 1; i < ms.length; i++) if (firstSeen.get(ms[i]!.message_id)! < firstAck.get(ms[i - 1]!.message_id)!) outOfOrder++;
  }
  const counts = {
    lifecycleChanges: INVITATIONS * 2,
    events: messages.length,
    received: receiver.deliveries.length,
    acknowledged: acknowledged.length,
    answered500: receiver.deliveries.filter((d) => d.status === 500).length,
    failedWhileDown,
    distinctDelivered: firstAck.size,
    missing: messages.filter((m) => !firstAck.has(m.message_id)).length,
    duplicatesAcknowledged: acknowledged.length - firstAck.size,
    eventsUnderTwoIds: [...idsPerEvent.values()].filter((s) => s.size > 1).length,
    unknownIds: [...firstSeen.keys()].filter((id) => !messages.some((m) => m.message_id === id)).length,
    outOfOrder,
    deliveredAtKill,
    seconds: { scheduling: (scheduledAt - started) / 1000, revoking: (revokedAt - scheduledAt) / 1000, lastDeliveries: (deliveredAt - revokedAt) / 1000 },
  };
  recordCounts('webhooks: receiver down, 500 half the time, worker killed', counts);
  expect(counts).toMatchObject({ events: expected, distinctDelivered: expected, missing: 0, eventsUnderTwoIds: 0, unknownIds: 0, outOfOrder: 0 });
  expect(counts.answered500).toBeGreaterThan(0);
  expect(counts.failedWhileDown).toBeGreaterThan(0);
  expect(deliveredAtKill).toBeLessThan(expected);
}, 400_000);
