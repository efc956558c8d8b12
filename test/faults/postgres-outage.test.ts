// PostgreSQL goes away for a while in the middle of a run, with sends on the wire, and comes back on
// its data directory: the API answers 503 problem+json (not 500, not a hang), the sending activities
// retry (a send already accepted by the mail server keeps trying to record itself instead of being
// sent again), and every invitation is delivered exactly once when it is back.
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { freePort } from '../../scripts/local-stack/ports';
import { startPostgresProcess, type PostgresProcess } from '../support/postgres-process';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { recordCounts } from '../support/test-logs';
import { deliveryCounts } from './crash-support';

const CHAOS = process.env.CHAOS === '1';
const COUNT = CHAOS ? 200 : 20;
const OUTAGE_MS = CHAOS ? 30_000 : 5_000;

let stack: TestStack;
let pg: PostgresProcess;
let port: number;
// Writable by the `postgres` system user the server runs as when the tests run as root.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-outage-pg-'));
fs.chmodSync(dir, 0o777);
const startPostgres = () => startPostgresProcess(path.join(dir, 'data'), port);

beforeAll(async () => {
  port = await freePort();
  pg = await startPostgres();
  // A slow mail server, so sends are on the wire (their connections to the database held) when it goes away.
  stack = await startTestStack({ postgresAdminUrl: pg.adminUrl, ackDelayMs: 1_000 });
});
afterAll(async () => {
  await stack?.stop();
  await pg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test(`PostgreSQL is down for ${OUTAGE_MS / 1000} s mid-run: 503 meanwhile, then all ${COUNT} invitations delivered once`, async () => {
  const emails = Array.from({ length: COUNT }, (_, i) => `outage${i}@acme.test`);
  for (let i = 0; i < emails.length; i += 20) {
    expect((await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: emails.slice(i, i + 20) } })).status).toBe(201);
  }
  await stack.inbox.waitForUnacknowledged();
  const sendsOnTheWire = stack.inbox.unacknowledged;
  await pg.stop();
  const deliveredBeforeOutage = stack.inbox.messages.length;

  const started = Date.now();
  const down = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'after-pg-outage@acme.test' } });
  const answeredInMs = Date.now() - started;
  expect(down.status).toBe(503);
  expect(down.headers.get('content-type')).toContain('application/problem+json');
  expect(down.body).toMatchObject({ type: '/problems/service-unavailable' });
  expect(answeredInMs).toBeLessThan(6_000);
  await new Promise((r) => setTimeout(r, OUTAGE_MS));

  pg = await startPostgres();
  await eventually(async () => new Set(stack.inbox.messages.map((m) => m.to[0])).size >= COUNT, 90_000, 'every email after the outage');
  await eventually(async () => {
    const views = await Promise.all(emails.map((e) => stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(`invitation:acme:${e}`)}`)));
    return views.every((v) => v.body.stage === 'awaiting_signup');
  }, 30_000, 'every invitation awaiting signup');
  expect((await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'after-pg-outage@acme.test' } })).status).toBe(201);

  const received = stack.inbox.messages.filter((m) => emails.includes(m.to[0]!));
  // A send the mail server accepted just as the database went away could not be recorded, so it is
  // sent again: the same message with the same Message-ID, which mailbox providers drop. Counted
  // apart from real duplicates (two different messages to one invitee), as in worker-crash.
  const { rows } = await stack.db.query(`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, sum(attempts)::int AS attempts FROM message_outbox WHERE recipient = ANY($1)`, [emails]);
  // The sends that met the outage were retried by Temporal (their attempts never reached the outbox's counter).
  const attemptsPerSend = await Promise.all(emails.map(async (e) => {
    const history = await stack.client.workflow.getHandle(`invitation:acme:${e}`).fetchHistory();
    return Math.max(...history.events!.map((ev) => ev.activityTaskStartedEventAttributes?.attempt ?? 0));
  }));
  const counts = {
    invited: COUNT,
    sendsOnTheWire,
    deliveredBeforeOutage,
    sent: rows[0].sent,
    ...deliveryCounts(received, emails),
    attempts: rows[0].attempts,
    sendsRetriedByTemporal: attemptsPerSend.filter((a) => a > 1).length,
    apiAnsweredDuringOutageMs: answeredInMs,
  };
  recordCounts('PostgreSQL outage', counts);
  expect(counts).toMatchObject({ invited: COUNT, sent: COUNT, received: COUNT, duplicates: 0, lost: 0 });
  // The outage met sends in every state: on the wire (their record retried within the attempt until
  // the database was back), or not yet started (retried by Temporal), as the counts show.
  expect(counts.sendsOnTheWire).toBeGreaterThan(0);
  expect(counts.sameMessageRedelivered).toBe(0);
}, CHAOS ? 600_000 : 150_000);
