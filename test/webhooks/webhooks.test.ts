// Outgoing webhooks against the real stack: endpoints through the API, lifecycle events recorded
// with their stage and delivered by the endpoint's workflow, each verified with the Standard
// Webhooks library; the delivery log, replay, test events, secret rotation (both signatures),
// redirects not followed, 410 Gone disabling the endpoint and emailing the admins, and an endpoint
// failing for the whole retry window disabled too.
import { Webhook } from 'standardwebhooks';
import { webhookDeliveryWorkflowId } from '../../workflows/webhook-delivery/definitions';
import { replayWorkflow } from '../support/replay';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { startReceiver, type Delivery, type Receiver } from './receiver';

let stack: TestStack;
let receiver: Receiver;
const path = '/v1/accounts/acme/webhook-endpoints';
const allTypes = [
  'invitation.scheduled', 'invitation.sent', 'invitation.delivery_failed', 'invitation.expired', 'invitation.revoked', 'invitation.accepted',
  'user.license_pending', 'user.activated', 'user.deactivated', 'provisioning_request.completed', 'invitation_batch.completed',
];

beforeAll(async () => {
  stack = await startTestStack({ webhooks: { allowPrivateAddresses: true, pollIntervalMs: 50, initialRetryDelayMs: 100, maxRetryDelayMs: 400, retryWindowMs: 6_000, timeoutMs: 2_000 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

const json = (d: Delivery) => JSON.parse(d.body) as { type: string; version: number; timestamp: string; data: Record<string, unknown> };
const at = (p: string) => (d: Delivery) => d.path === p;

async function createEndpoint(suffix: string, body: Record<string, unknown> = {}) {
  const res = await stack.api('POST', path, { body: { url: `${receiver.url}/${suffix}`, eventTypes: allTypes, description: suffix, ...body } });
  expect(res.status).toBe(201);
  return res.body as { endpoint: { id: string }; secret: string };
}

test('endpoints: created with a secret shown once, listed, read, changed, deleted; bad input is a 400', async () => {
  const created = await createEndpoint('crud', { eventTypes: ['invitation.sent'] });
  expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
  expect(created.endpoint).toMatchObject({ url: `${receiver.url}/crud`, eventTypes: ['invitation.sent'], enabled: true, description: 'crud' });
  const id = created.endpoint.id;

  const list = await stack.api('GET', path);
  expect(list.status).toBe(200);
  expect(list.body.webhookEndpoints.map((e: { id: string }) => e.id)).toContain(id);
  expect(JSON.stringify(list.body)).not.toContain(created.secret);
  expect((await stack.api('GET', `${path}/${id}`)).body).toMatchObject({ id, enabled: true });

  const changed = await stack.api('PATCH', `${path}/${id}`, { body: { description: 'renamed', eventTypes: ['invitation.sent', 'invitation.revoked'] } });
  expect(changed.status).toBe(200);
  expect(changed.body).toMatchObject({ description: 'renamed', eventTypes: ['invitation.sent', 'invitation.revoked'] });

  const bad = await stack.api('POST', path, { body: { url: `${receiver.url}/x`, eventTypes: ['invitation.exploded'] } });
  expect(bad.status).toBe(400);
  expect(bad.headers.get('content-type')).toContain('application/problem+json');
  expect((await stack.api('POST', path, { body: { url: 'ftp://example.com/', eventTypes: ['invitation.sent'] } })).status).toBe(400);
  expect((await stack.api('PATCH', `${path}/${id}`, { body: {} })).status).toBe(400);

  expect((await stack.api('DELETE', `${path}/${id}`)).status).toBe(204);
  expect((await stack.api('GET', `${path}/${id}`)).status).toBe(404);
  expect((await stack.api('GET', `/v1/accounts/acme/webhook-endpoints/ep_000000000000000000000000`)).status).toBe(404);
});

test('lifecycle events arrive signed per Standard Webhooks, in order, with ids and stages and no secret', async () => {
  const { endpoint, secret } = await createEndpoint('life');
  const verifier = new Webhook(secret);
  const mine = () => receiver.deliveries.filter(at('/life'));

  const invited = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'ana@acme.test' } });
  expect(invited.status).toBe(201);
  const invitationId = invited.body.invitations[0].id;
  const mail = await stack.inbox.waitFor((m) => m.to.includes('ana@acme.test'));
  const link = linkInMail(mail);
  expect((await submitSignup(link.url, validSignup)).status).toBe(200);
  await eventually(async () => mine().some((d) => json(d).type === 'user.activated'), 30_000, 'user.activated');

  const scheduled = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'later@acme.test', schedule: { localDateTime: '2031-04-01T09:00', timeZone: 'Europe/Paris' } } });
  expect(scheduled.status).toBe(201);
  const laterId = scheduled.body.invitations[0].id;
  await eventually(async () => mine().some((d) => json(d).type === 'invitation.scheduled'), 20_000, 'invitation.scheduled');
  expect((await stack.api('DELETE', `/v1/accounts/acme/invitations/${encodeURIComponent(laterId)}`)).status).toBe(200);
  await eventually(async () => mine().some((d) => json(d).type === 'invitation.revoked'), 20_000, 'invitation.revoked');

  for (const d of mine()) {
    // The standard's own verifier: signature over id.timestamp.body with the endpoint's secret.
    expect(() => verifier.verify(d.body, d.headers)).not.toThrow();
    expect(d.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(d.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
  }
  const ana = mine().map(json).filter((p) => p.data.invitationId === invitationId);
  expect(ana.map((p) => p.type)).toEqual(['invitation.sent', 'invitation.accepted', 'user.activated']);
  expect(ana[0]).toMatchObject({ version: 1, data: { invitationId, stage: 'awaiting_signup', channel: 'email', invitee: { email: 'ana@acme.test', phone: null } } });
  expect(ana[2]!.data).toMatchObject({ email: 'ana@acme.test', onboardingStage: 'activated', invitationId });
  expect(mine().map(json).filter((p) => p.data.invitationId === laterId).map((p) => p.type)).toEqual(['invitation.scheduled', 'invitation.revoked']);

  // Nothing secret leaves: not the link's token, nor its hash, nor the password or its hash.
  const { rows } = await stack.db.query(`SELECT u.password_hash, i.token_hash FROM invitations i JOIN users u ON u.id = i.user_id WHERE i.id = $1`, [invitationId]);
  const everything = mine().map((d) => d.body).join('\n');
  for (const secretText of [link.token, rows[0].token_hash, rows[0].password_hash, validSignup.password]) expect(everything).not.toContain(secretText);
  expect(everything).not.toMatch(/token|password|pin/i);

  // The delivery log: each attempt's time, status, latency and answer.
  const log = await stack.api('GET', `${path}/${endpoint.id}/attempts`);
  expect(log.status).toBe(200);
  expect(log.body.attempts.length).toBe(mine().length);
  expect(log.body.attempts[0]).toMatchObject({ statusCode: 200, succeeded: true, response: 'ok' });
  expect(typeof log.body.attempts[0].latencyMs).toBe('number');
});

test('deactivating a user (offboarding) reports user.deactivated, after their earlier events', async () => {
  const { rows } = await stack.db.query(`SELECT u.id, i.id AS invitation_id FROM users u JOIN invitations i ON i.user_id = u.id WHERE u.email = 'ana@acme.test'`);
  const { id: userId, invitation_id: invitationId } = rows[0];
  const res = await stack.api('POST', `/v1/accounts/acme/users/${userId}/deactivation`);
  expect(res.status).toBeLessThan(300);
  const life = () => receiver.deliveries.filter(at('/life'));
  const d = await eventually(async () => life().find((x) => json(x).type === 'user.deactivated'), 30_000, 'user.deactivated');
  expect(json(d).data).toMatchObject({ userId, email: 'ana@acme.test', offboardingStage: 'releasing_license' });
  const verifier = (await stack.db.query(`SELECT secret FROM webhook_endpoints WHERE url = $1`, [`${receiver.url}/life`])).rows[0].secret as string;
  expect(() => new Webhook(verifier).verify(d.body, d.headers)).not.toThrow();
  // One person's events in order: the deactivation after everything from her invitation.
  const hers = life().map(json).filter((p) => p.data.invitationId === invitationId || p.data.userId === userId);
  expect(hers.map((p) => p.type)).toEqual(['invitation.sent', 'invitation.accepted', 'user.activated', 'user.deactivated']);
});

test('the log keeps a truncated answer; a redirect is not followed; replay resends with the same webhook-id; a test event', async () => {
  const { endpoint, secret } = await createEndpoint('replay', { eventTypes: ['invitation.sent'] });
  receiver.answer = (d) => (d.path === '/replay' && receiver.deliveries.filter(at('/replay')).length === 0
    ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } }
    : { status: 200, body: 'x'.repeat(5_000) });
  try {
    expect((await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'webhook-replay@acme.test' } })).status).toBe(201);
    await eventually(async () => receiver.deliveries.filter(at('/replay')).some((d) => d.status === 200), 20_000, 'the delivery after the redirect');
    const first = receiver.deliveries.filter(at('/replay'));
    expect(first.map((d) => d.status)).toEqual([302, 200]);
    expect(first[0]!.headers['webhook-id']).toBe(first[1]!.headers['webhook-id']);
    expect(receiver.deliveries.filter(at('/elsewhere'))).toHaveLength(0);
    const attempts = (await stack.api('GET', `${path}/${endpoint.id}/attempts`)).body.attempts;
    expect(attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([200, 302]);
    expect(attempts[0].response).toHaveLength(1_024);

    const messageId = first[0]!.headers['webhook-id']!;
    expect((await stack.api('POST', `${path}/${endpoint.id}/messages/${messageId}/replay`)).status).toBe(202);
    await eventually(async () => receiver.deliveries.filter(at('/replay')).length === 3, 20_000, 'the replay');
    expect(receiver.deliveries.filter(at('/replay'))[2]!.headers['webhook-id']).toBe(messageId);

    const since = await stack.api('POST', `${path}/${endpoint.id}/replay`, { body: { since: new Date(Date.now() - 60_000).toISOString() } });
    expect(since.status).toBe(202);
    // Every invitation.sent of the account in the last minute, including those before this endpoint existed.
    expect(since.body.replayed).toBeGreaterThanOrEqual(2);
    await eventually(async () => receiver.deliveries.filter(at('/replay')).length === 3 + since.body.replayed, 20_000, 'the replay since');

    const test = await stack.api('POST', `${path}/${endpoint.id}/test`);
    expect(test.status).toBe(202);
    const testDelivery = await eventually(async () => receiver.deliveries.find((d) => d.headers['webhook-id'] === test.body.messageId), 20_000, 'the test event');
    expect(json(testDelivery)).toMatchObject({ type: 'webhook.test', data: { endpointId: endpoint.id } });
    expect(() => new Webhook(secret).verify(testDelivery.body, testDelivery.headers)).not.toThrow();
    const messages = await stack.api('GET', `${path}/${endpoint.id}/messages?status=pending`);
    expect(messages.body.messages).toEqual([]);
  } finally {
    receiver.answer = () => ({ status: 200, body: 'ok' });
  }
});

test('rotation: for 24 hours messages carry both signatures, each verifying with its secret', async () => {
  const { endpoint, secret: oldSecret } = await createEndpoint('rotate');
  const rotated = await stack.api('POST', `${path}/${endpoint.id}/secret-rotation`);
  expect(rotated.status).toBe(200);
  const newSecret = rotated.body.secret as string;
  expect(newSecret).not.toBe(oldSecret);
  const expires = Date.parse(rotated.body.endpoint.previousSecretExpiresAt);
  expect(expires - Date.now()).toBeGreaterThan(23.9 * 3600_000);

  const test = await stack.api('POST', `${path}/${endpoint.id}/test`);
  const d = await eventually(async () => receiver.deliveries.find((x) => x.headers['webhook-id'] === test.body.messageId), 20_000, 'the test event');
  const signatures = d.headers['webhook-signature']!.split(' ');
  expect(signatures).toHaveLength(2);
  expect(() => new Webhook(newSecret).verify(d.body, d.headers)).not.toThrow();
  expect(() => new Webhook(oldSecret).verify(d.body, d.headers)).not.toThrow();
  // Each signature alone verifies with exactly its own secret.
  expect(() => new Webhook(newSecret).verify(d.body, { ...d.headers, 'webhook-signature': signatures[0]! })).not.toThrow();
  expect(() => new Webhook(oldSecret).verify(d.body, { ...d.headers, 'webhook-signature': signatures[1]! })).not.toThrow();
  expect(() => new Webhook(oldSecret).verify(d.body, { ...d.headers, 'webhook-signature': signatures[0]! })).toThrow();

  // Once the old secret has expired, one signature again.
  await stack.db.query(`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [endpoint.id]);
  const later = await stack.api('POST', `${path}/${endpoint.id}/test`);
  const d2 = await eventually(async () => receiver.deliveries.find((x) => x.headers['webhook-id'] === later.body.messageId), 20_000, 'the second test event');
  expect(d2.headers['webhook-signature']!.split(' ')).toHaveLength(1);
  expect(() => new Webhook(oldSecret).verify(d2.body, d2.headers)).toThrow();
});

test('410 Gone disables the endpoint and the admins are emailed; enabling it again sends what waited', async () => {
  const { endpoint } = await createEndpoint('gone', { eventTypes: ['invitation.sent'] });
  receiver.answer = (d) => (d.path === '/gone' ? { status: 410 } : { status: 200, body: 'ok' });
  try {
    expect((await stack.api('POST', `${path}/${endpoint.id}/test`)).status).toBe(202);
    const disabled = await eventually(async () => {
      const e = (await stack.api('GET', `${path}/${endpoint.id}`)).body;
      return e.enabled === false ? e : undefined;
    }, 20_000, 'the endpoint disabled');
    expect(disabled.disabledReason).toMatch(/410/);
    const mail = await stack.inbox.waitFor((m) => m.to.includes('boss@acme.test') && /webhook/i.test(m.subject), 20_000);
    expect(mail.text).toContain(`${receiver.url}/gone`);
    expect(receiver.deliveries.filter(at('/gone'))).toHaveLength(1);
  } finally {
    receiver.answer = () => ({ status: 200, body: 'ok' });
  }
  // Disabled: new events are not queued for it; what was pending goes out once it is enabled again.
  expect((await stack.api('PATCH', `${path}/${endpoint.id}`, { body: { enabled: true } })).body).toMatchObject({ enabled: true });
  await eventually(async () => receiver.deliveries.filter(at('/gone')).some((d) => d.status === 200), 20_000, 'the pending message after enabling');
});

test('an endpoint failing for the whole retry window is disabled, retried with backoff meanwhile, and its admins are emailed', async () => {
  const { endpoint } = await createEndpoint('failing', { eventTypes: ['invitation.sent'] });
  receiver.answer = (d) => (d.path === '/failing' ? { status: 500, body: 'down' } : { status: 200, body: 'ok' });
  try {
    const test = await stack.api('POST', `${path}/${endpoint.id}/test`);
    await eventually(async () => (await stack.api('GET', `${path}/${endpoint.id}`)).body.enabled === false, 30_000, 'the endpoint disabled');
    const tries = receiver.deliveries.filter(at('/failing'));
    // Backoff 100 ms doubling to 400 ms over a 6 s window: a handful of tries, never a flood.
    expect(tries.length).toBeGreaterThanOrEqual(3);
    expect(tries.length).toBeLessThan(20);
    expect(new Set(tries.map((d) => d.headers['webhook-id']))).toEqual(new Set([test.body.messageId]));
    const gaps = tries.slice(1).map((d, i) => d.at - tries[i]!.at);
    // Never sooner than the backoff says (100 ms doubling to 400 ms); load can only make it later.
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(400, 100 * 2 ** i) - 20));
    const e = (await stack.api('GET', `${path}/${endpoint.id}`)).body;
    expect(e.disabledReason).toMatch(/retry window/);
    await stack.inbox.waitFor((m) => m.to.includes('boss@acme.test') && m.text.includes(`${receiver.url}/failing`), 20_000);
  } finally {
    receiver.answer = () => ({ status: 200, body: 'ok' });
  }
});

test('the OpenAPI document describes every event as an OpenAPI 3.1 webhook', async () => {
  const doc = (await stack.api('GET', '/docs/json')).body;
  for (const type of [...allTypes, 'webhook.test']) {
    const op = doc.webhooks[type].post;
    expect(op.requestBody.content['application/json'].schema.properties.type.const).toBe(type);
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  }
  expect(doc.paths['/v1/accounts/{accountId}/webhook-endpoints']).toBeDefined();
});

// Determinism guard for the delivery workflow: a closed history (messages delivered, the endpoint
// deleted) replays on the current code; `RECORD_HISTORIES=1` keeps it as a fixture, which the replay
// suite (test/replay) replays with every other recorded history.
test('a delivery workflow that delivered and ended (endpoint deleted) replays on the current code', async () => {
  const { endpoint } = await createEndpoint('replayed', { eventTypes: ['invitation.sent'] });
  expect((await stack.api('POST', `${path}/${endpoint.id}/test`)).status).toBe(202);
  await eventually(async () => receiver.deliveries.some(at('/replayed')), 20_000, 'the test event');
  expect((await stack.api('DELETE', `${path}/${endpoint.id}`)).status).toBe(204);
  const { errors } = await replayWorkflow(stack.client, webhookDeliveryWorkflowId(endpoint.id), 'webhook-delivery-delivered-deleted.json');
  expect(errors).toEqual([undefined]);
});
