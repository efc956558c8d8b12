// The Temporal server goes down (SIGKILL, as in a crash) in the middle of a run and comes back on
// its persistent database file: the API answers 503 meanwhile, nothing is lost, nothing is sent
// twice, and every workflow runs to its end.
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../scripts/local-stack/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../scripts/local-stack/temporal-server';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { testStackEnv } from '../support/stack-env';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { recordCounts, testLogPath } from '../support/test-logs';

const CHAOS = process.env.CHAOS === '1';
const COUNT = CHAOS ? 200 : 40;

let stack: TestStack;
let server: TemporalDevServer;
let port: number;
const dbFile = path.join(testStackEnv().tmpDir, `temporal-restart-${process.pid}.sqlite`);
const startServer = () => startTemporalDevServer({ port, dbFile, log: () => undefined, logFile: testLogPath('temporal-server') });

beforeAll(async () => {
  port = await freePort();
  server = await startServer();
  // 41 signups at once on a loaded machine: the API's per-call deadline is not what this test is about.
  stack = await startTestStack({ temporalAddress: server.address, ackDelayMs: 300, rateLimits: { signupSubmitsPerMinute: 100_000 }, deadlines: { requestMs: 6_000 } });
});
afterAll(async () => {
  await stack?.stop();
  await server?.stop();
  fs.rmSync(dbFile, { force: true });
});

test(`the Temporal server crashes and restarts mid-run: all ${COUNT} invitations finish, each email sent once`, async () => {
  const emails = Array.from({ length: COUNT }, (_, i) => `restart${i}@acme.test`);
  for (let i = 0; i < emails.length; i += 20) {
    expect((await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: emails.slice(i, i + 20) } })).status).toBe(201);
  }
  // Down while invitations are being sent.
  await stack.inbox.waitForUnacknowledged();
  await server.kill!();
  const sentBeforeCrash = stack.inbox.messages.length;

  // Down for at least 2 s, and for as long as the API takes to give up on the request made meanwhile.
  const [down] = await Promise.all([
    stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'during-outage@acme.test' } }),
    new Promise((r) => setTimeout(r, 2_000)),
  ]);
  expect(down.status).toBe(503);
  expect(down.body).toMatchObject({ type: '/problems/service-unavailable' });
  expect(down.headers.get('retry-after')).toBeTruthy();

  server = await startServer();
  // The refused request is simply made again.
  const retried = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'during-outage@acme.test' } });
  expect(retried.status).toBe(201);
  const everyone = [...emails, 'during-outage@acme.test'];
  await eventually(async () => new Set(stack.inbox.messages.map((m) => m.to[0])).size >= everyone.length, 90_000, 'every email after the restart');

  // Every invitation signs up and its workflow runs to its end (result() resolves only for a completed run).
  const signups = await Promise.all(everyone.map((email) => submitSignup(linkInMail(stack.inbox.messages.find((m) => m.to[0] === email)!).url, validSignup)));
  expect(signups.map((r) => r.status)).toEqual(everyone.map(() => 200));
  const closed = await Promise.all(everyone.map((e) => stack.client.workflow.getHandle(`invitation:acme:${e}`).result()));

  const received = stack.inbox.messages.filter((m) => everyone.includes(m.to[0]!));
  const counts = {
    invited: everyone.length,
    sentBeforeCrash,
    received: received.length,
    duplicates: received.length - new Set(received.map((m) => m.to[0])).size,
    lost: everyone.filter((e) => !received.some((m) => m.to[0] === e)).length,
    completed: closed.length,
  };
  recordCounts('Temporal server restart', counts);
  expect(counts).toEqual({ invited: COUNT + 1, sentBeforeCrash, received: COUNT + 1, duplicates: 0, lost: 0, completed: COUNT + 1 });
  expect(sentBeforeCrash).toBeLessThan(COUNT);
}, CHAOS ? 600_000 : 180_000);
