// Personal data in the engine: what the Temporal server stores is ciphertext (read here with a
// client that has no codec, as anyone reading the database or the UI would), the codec endpoint
// decrypts for support staff only, keys rotate without stranding running workflows, and the
// hashes of assigned credentials never enter a history at all.
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { createUserProvisioningActivities } from '../../activities/user-provisioning';
import type { Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { ENCRYPTED_ENCODING, parsePayloadKeys, PayloadEncryptionCodec } from '../../config/payload-codec';
import { clientFor } from '../../config/temporal';
import { createDb, type Db } from '../../db';
import { WORKER_DB_POOL_SIZE } from '../../worker';
import { TEST_PAYLOAD_KEY_A, TEST_PAYLOAD_KEY_B } from '../support/payload-keys';
import { completedRequest, credentials, newUser } from '../support/provisioning-requests';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { verifyPassword } from '../../api/services/password-hash';
import { eventually, startTestStack, startWorker, type TestStack } from '../support/stack';

type History = temporal.api.history.v1.IHistory;

/** Every payload anywhere in a history (inputs, results, memos, failures' details, ...). */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const v = value as Record<string, unknown>;
  if (v.data instanceof Uint8Array && v.metadata && typeof v.metadata === 'object') found.push(v as Payload);
  else for (const [key, child] of Object.entries(v)) if (key !== 'searchAttributes') payloadsIn(child, found); // readable by design
  return found;
}

const MARKER_RECORDED = 25;

/** The history as stored, minus what stays readable by design: search attributes and workflow ids. */
function storedText(history: History): string {
  return JSON.stringify(JSON.parse(historyToJSON(history)), (key, val) => (key === 'searchAttributes' || key === 'workflowId' || key === 'indexedFields' ? undefined : val));
}

const encoding = (p: Payload) => Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString();
const keyId = (p: Payload) => Buffer.from(p.metadata?.['encryption-key-id'] ?? new Uint8Array()).toString();
const toJson = (p: Payload) => ({ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(p.data!).toString('base64') });

describe('payload encryption', () => {
  let stack: TestStack;
  let db: Db;
  let worker: { stop(): Promise<void> } | undefined;
  /** A client without the codec: what the Temporal server and its UI hold. */
  let rawClient: ReturnType<typeof clientFor>;
  let support: { credential: string };

  beforeAll(async () => {
    // Key B is already known everywhere (step one of a rotation, see README); A encrypts.
    stack = await startTestStack({ inProcessWorker: false, payloadKeys: `${TEST_PAYLOAD_KEY_A},${TEST_PAYLOAD_KEY_B}`, codecSupportAccounts: ['support-desk'], account: { invitationLifetimeSeconds: 3600 }, rejectRecipient: (a) => a.startsWith('bounced') });
    db = createDb(stack.workerSettings.databaseUrl, { max: WORKER_DB_POOL_SIZE });
    worker = await startWorker(stack.workerSettings, db);
    rawClient = clientFor(await Connection.connect({ address: stack.workerSettings.temporalAddress }), { namespace: 'default' });
    support = await stack.createAccount({ id: 'support-desk', companyDomains: ['support-desk.test'] });
  });
  afterAll(async () => {
    await worker?.stop();
    await rawClient?.connection.close();
    await db?.end();
    await stack?.stop();
  });

  test('a request adding a user: the stored history holds no email or name, only ciphertext under the current key', async () => {
    const res = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users: [newUser('zelda.quartermain@acme.test', { firstName: 'Zelda', lastName: 'Quartermain' })] } });
    expect(res.status).toBe(202);
    const done = await completedRequest(stack, 'acme', res.body.requestId);
    expect(done.users[0]).toMatchObject({ outcome: 'created', email: 'zelda.quartermain@acme.test' }); // the API, with the codec, reads it
    for (const workflowId of [res.body.workflowId, `${res.body.workflowId}:user-1`]) {
      const history = await rawClient.workflow.getHandle(workflowId).fetchHistory();
      const text = storedText(history);
      expect(text).not.toMatch(/zelda|quartermain/i);
      const payloads = payloadsIn(history.events);
      expect(payloads.length).toBeGreaterThan(3);
      // Only the SDK's own marker data (patch ids, a local activity's attempt and times) is left plain.
      const plainIn = history.events!.filter((e) => payloadsIn(e).some((p) => encoding(p) !== ENCRYPTED_ENCODING));
      expect(new Set(plainIn.map((e) => e.eventType))).toEqual(new Set([MARKER_RECORDED]));
      const encrypted = payloads.filter((p) => encoding(p) === ENCRYPTED_ENCODING);
      expect(encrypted.length).toBeGreaterThan(3);
      expect(new Set(encrypted.map(keyId))).toEqual(new Set(['test-a']));
    }
  });

  test('a failure: its message, which names the person, is stored encrypted; its type stays readable; the API reads the message', async () => {
    const r = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: ['bounced.ygritte@acme.test'] } });
    const id: string = r.body.invitations[0].id;
    const path = `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`;
    const failedView = await eventually(async () => {
      const v = await stack.api('GET', path);
      return v.body.stage === 'delivery_failed' ? v.body : undefined;
    }, 20_000, 'the refusal');
    expect(failedView.deliveryFailure).toMatch(/ygritte/i); // decrypted on the way to the admin
    const history = await rawClient.workflow.getHandle(id).fetchHistory();
    const failures = history.events!.map((e) => e.activityTaskFailedEventAttributes?.failure).filter((f) => f);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f!.message).toBe('Encoded failure');
      expect(f!.stackTrace ?? '').toBe('');
      expect(encoding(f!.encodedAttributes!)).toBe(ENCRYPTED_ENCODING);
      expect(f!.applicationFailureInfo?.type ?? f!.cause?.applicationFailureInfo?.type).toBeTruthy();
    }
    expect(storedText(history)).not.toMatch(/ygritte/i);
  });

  test('assigned credentials: no hash in the history, even decrypted; the user is active with them', async () => {
    const res = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users: [newUser('hashless@acme.test', { setup: { option: 'assign_credentials', ...credentials } })] } });
    expect(res.status).toBe(202);
    const done = await completedRequest(stack, 'acme', res.body.requestId);
    expect(done.users[0]).toMatchObject({ outcome: 'created', stage: 'activated' });
    const codec = new PayloadEncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_KEY_A));
    for (const workflowId of [res.body.workflowId, `${res.body.workflowId}:user-1`]) {
      const history = await rawClient.workflow.getHandle(workflowId).fetchHistory();
      const decoded = (await codec.decode(payloadsIn(history.events))).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString()).join('\n');
      expect(decoded).toContain('hashless@acme.test'); // decrypted, the personal data is there for support staff
      expect(decoded).toContain('credentialsId');
      expect(decoded).not.toMatch(/scrypt|passwordHash|pinHash|securityAnswerHash|Temp0rary|482916|Rex the Dog/);
    }
    const { rows } = await stack.db.query(`SELECT password_hash, pin_hash, security_answer_hash, status FROM users WHERE lower(email) = 'hashless@acme.test'`);
    expect(rows[0]).toMatchObject({ status: 'active', password_hash: expect.stringMatching(/^scrypt\$/), pin_hash: expect.stringMatching(/^scrypt\$/) });
    // Taken by the activation: the hashes exist once, on the user.
    const left = await stack.db.query(`SELECT count(*)::int AS n FROM assigned_credentials WHERE request_id = $1`, [res.body.requestId]);
    expect(left.rows[0].n).toBe(0);
  });

  test('a signup: its password hash never enters the invitation\'s history, even decrypted; a refused one leaves nothing kept', async () => {
    const r = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: ['signs-up@acme.test'] } });
    const id: string = r.body.invitations[0].id;
    const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('signs-up@acme.test')));
    const kept = async () => (await stack.db.query(`SELECT count(*)::int AS n FROM signup_passwords WHERE invitation_id = $1`, [id])).rows[0].n;
    // Refused (under 16): the hash the API kept for it is dropped with the refusal.
    expect((await submitSignup(url, { ...validSignup, dateOfBirth: '2020-01-01' })).status).toBe(422);
    expect(await kept()).toBe(0);
    expect((await submitSignup(url, validSignup)).status).toBe(200);
    const user = await eventually(async () => (await stack.db.query(`SELECT password_hash, status FROM users WHERE lower(email) = 'signs-up@acme.test'`)).rows[0]);
    expect(await verifyPassword(validSignup.password, user.password_hash)).toBe(true);
    expect(await kept()).toBe(0); // taken by the activity that set it
    const codec = new PayloadEncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_KEY_A));
    const history = await rawClient.workflow.getHandle(id).fetchHistory();
    const decoded = (await codec.decode(payloadsIn(history.events))).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString()).join('\n');
    expect(decoded).toContain('passwordId');
    expect(decoded).not.toMatch(/scrypt|passwordHash/);
  });

  test('an activation from an older history, hashes in its input, still sets them (and a retry after its commit is a no-op)', async () => {
    const res = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users: [newUser('legacy@acme.test')] } });
    const done = await completedRequest(stack, 'acme', res.body.requestId);
    const activities = createUserProvisioningActivities({ db });
    const legacy = { passwordHash: 'scrypt$legacy-password', temporaryPassword: true, pinHash: 'scrypt$legacy-pin', securityQuestion: 'Q?', securityAnswerHash: 'scrypt$legacy-answer' };
    const input = { userId: done.users[0].userId, accountId: 'acme', reservationKey: `${res.body.requestId}:0`, credentials: legacy };
    await expect(activities.activateWithCredentials(input)).resolves.toEqual({ mustAddEmergencyAddress: false });
    const { rows } = await stack.db.query(`SELECT password_hash, pin_hash, security_answer_hash, status FROM users WHERE id = $1`, [input.userId]);
    expect(rows[0]).toEqual({ password_hash: legacy.passwordHash, pin_hash: legacy.pinHash, security_answer_hash: legacy.securityAnswerHash, status: 'active' });
    // The current shape, retried after its transaction committed (the row is gone, the user active): done, not failed.
    await expect(activities.activateWithCredentials({ ...input, credentials: { credentialsId: randomUUID() } })).resolves.toEqual({ mustAddEmergencyAddress: false });
  });

  test('the codec endpoint: 401 without a credential, 403 for a customer admin, decrypts for support staff; CORS for the UI', async () => {
    const { path } = await (async () => {
      const r = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: ['codec-me@acme.test'] } });
      return { path: `/v1/accounts/acme/invitations/${encodeURIComponent(r.body.invitations[0].id)}` };
    })();
    await eventually(async () => (await stack.api('GET', path)).body.stage === 'awaiting_signup');
    const history = await rawClient.workflow.getHandle('invitation:acme:codec-me@acme.test').fetchHistory();
    const payloads = payloadsIn(history.events).map(toJson);
    const decode = (headers: Record<string, string>) =>
      fetch(`${stack.baseUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers }, body: JSON.stringify({ payloads }) });

    const anonymous = await decode({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const customer = await decode({ authorization: `Bearer ${stack.account.credential}` });
    expect(customer.status).toBe(403);
    expect(await customer.json()).toMatchObject({ status: 403 });
    const staff = await decode({ authorization: `Bearer ${support.credential}`, origin: 'http://localhost:8233' });
    expect(staff.status).toBe(200);
    expect(staff.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    const body = (await staff.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    expect(body.payloads).toHaveLength(payloads.length);
    const plain = body.payloads.map((p) => Buffer.from(p.data, 'base64').toString()).join('\n');
    expect(plain).toContain('codec-me@acme.test');
    expect(body.payloads.every((p) => Buffer.from(p.metadata.encoding!, 'base64').toString() !== ENCRYPTED_ENCODING)).toBe(true);

    // The UI's preflight from its origin is answered; another origin gets no CORS grant.
    const preflight = await fetch(`${stack.baseUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-namespace');
    const elsewhere = await decode({ authorization: `Bearer ${support.credential}`, origin: 'https://evil.example' });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();

    // The Web UI's way: the browser signs in once (form), then sends the cookie with each codec call.
    const form = (credential: string) => fetch(`${stack.baseUrl}/codec/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ credential }).toString() });
    expect((await form(stack.account.credential)).status).toBe(403);
    const signedIn = await form(support.credential);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^codec_credential=.*HttpOnly; SameSite=Lax/);
    const viaCookie = await decode({ cookie: cookie.split(';')[0]!, origin: 'http://localhost:8233' });
    expect(viaCookie.status).toBe(200);
    expect(((await viaCookie.json()) as { payloads: unknown[] }).payloads).toEqual(body.payloads);
    expect((await decode({ cookie: 'codec_credential=po_revoked-or-made-up' })).status).toBe(401);

    // Encode then decode gives back the payload (the CLI uses /encode to send signals).
    const original = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') };
    const encoded = await fetch(`${stack.baseUrl}/codec/encode`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${support.credential}` }, body: JSON.stringify({ payloads: [original] }) });
    const sealed = ((await encoded.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads;
    expect(Buffer.from(sealed[0]!.metadata.encoding!, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    const opened = await fetch(`${stack.baseUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${support.credential}` }, body: JSON.stringify({ payloads: sealed }) });
    expect(((await opened.json()) as { payloads: unknown[] }).payloads).toEqual([original]);
  });

  test('key rotation: a workflow started under key A completes on workers that switched to B and still hold A', async () => {
    const r = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: ['rotated@acme.test'] } });
    const path = `/v1/accounts/acme/invitations/${encodeURIComponent(r.body.invitations[0].id)}`;
    await eventually(async () => (await stack.api('GET', path)).body.stage === 'awaiting_signup');

    await worker!.stop();
    worker = await startWorker({ ...stack.workerSettings, payloadKeys: `${TEST_PAYLOAD_KEY_B},${TEST_PAYLOAD_KEY_A}` }, db);
    const del = await stack.api('DELETE', path);
    expect(del.status).toBe(200);
    expect(del.body.stage).toBe('revoked');
    const handle = stack.client.workflow.getHandle('invitation:acme:rotated@acme.test');
    await handle.result();

    const history = await rawClient.workflow.getHandle('invitation:acme:rotated@acme.test').fetchHistory();
    const ids = payloadsIn(history.events).map(keyId);
    expect(ids).toContain('test-a'); // written before the switch
    expect(ids).toContain('test-b'); // written after it
    expect(storedText(history)).not.toMatch(/rotated@acme/);
    // A worker that lost key A could not go on: the error names the key, not its value.
    const onlyB = new PayloadEncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_KEY_B));
    await expect(onlyB.decode(payloadsIn(history.events))).rejects.toThrow(/key "test-a"/);
  });
});
