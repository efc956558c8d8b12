// The API as a front door with workflows running: tenancy over real resources, idempotency, and
// no secret in logs or workflow histories. (What needs no worker is in test/fast/api-contract.test.ts.)
import { PassThrough } from 'node:stream';
import { credentials, newUser } from '../support/provisioning-requests';
import { historyText } from '../support/history-text';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const logLines: string[] = [];
let globex: { id: string; credential: string };
beforeAll(async () => {
  const logStream = new PassThrough();
  logStream.on('data', (b: Buffer) => logLines.push(...b.toString().split('\n').filter(Boolean)));
  stack = await startTestStack({ logLevel: 'debug', logStream });
  globex = await stack.createAccount({ id: 'globex', name: 'Globex', companyDomains: ['globex.test'] });
});
afterAll(() => stack?.stop());

const isProblem = (r: { headers: Headers; body: unknown }) =>
  r.headers.get('content-type')?.startsWith('application/problem+json') && typeof (r.body as { type?: unknown }).type === 'string';

test('no caller reaches another account: every resource answers 404, never a hint it exists', async () => {
  const inv = await stack.api('POST', '/v1/accounts/globex/invitations', { body: { channel: 'email', emails: 'x@globex.test' }, credential: globex.credential });
  const globexInvitation = encodeURIComponent(inv.body.invitations[0].id);
  await stack.api('POST', '/v1/accounts/globex/invite-link', { body: {}, credential: globex.credential });
  const creds = await stack.api('GET', '/v1/accounts/globex/credentials', { credential: globex.credential });
  const globexCredential = creds.body.credentials[0].id;
  const added = await stack.api('POST', '/v1/accounts/globex/provisioning-requests', { body: { users: [newUser('later@globex.test')] }, credential: globex.credential });
  const globexRequest = added.body.requestId;
  const globexUser = (await eventually(async () => {
    const r = await stack.api('GET', `/v1/accounts/globex/provisioning-requests/${globexRequest}`, { credential: globex.credential });
    return r.body.stage === 'completed' ? r.body : undefined;
  })).users[0].userId;

  const attempts: Array<[string, string, unknown?]> = [
    ['POST', '/v1/accounts/globex/invitations', { channel: 'email', emails: 'y@globex.test' }],
    ['GET', `/v1/accounts/globex/invitations/${globexInvitation}`],
    ['POST', `/v1/accounts/globex/invitations/${globexInvitation}/resend`],
    ['DELETE', `/v1/accounts/globex/invitations/${globexInvitation}`],
    ['POST', `/v1/accounts/globex/invitations/${globexInvitation}/license`],
    ['GET', '/v1/accounts/globex/licenses'],
    ['POST', '/v1/accounts/globex/licenses/video_pro_plus/seats', { seats: 1 }],
    ['GET', '/v1/accounts/globex/invite-link'],
    ['POST', '/v1/accounts/globex/invite-link', {}],
    ['DELETE', '/v1/accounts/globex/invite-link'],
    ['POST', '/v1/accounts/globex/invite-link/share', { emails: 'z@acme.test' }],
    ['GET', '/v1/accounts/globex/credentials'],
    ['POST', '/v1/accounts/globex/credentials', {}],
    ['DELETE', `/v1/accounts/globex/credentials/${globexCredential}`],
    // Globex's invitation addressed through Acme's own path is not Acme's either.
    ['GET', `/v1/accounts/acme/invitations/${globexInvitation}`],
    ['DELETE', `/v1/accounts/acme/invitations/${globexInvitation}`],
    ['DELETE', `/v1/accounts/acme/credentials/${globexCredential}`],
    ['POST', '/v1/accounts/globex/provisioning-quotes', { users: [newUser('q@globex.test')] }],
    ['POST', '/v1/accounts/globex/provisioning-requests', { users: [newUser('r@globex.test')] }],
    ['GET', `/v1/accounts/globex/provisioning-requests/${globexRequest}`],
    ['GET', `/v1/accounts/globex/users/${globexUser}`],
    ['POST', `/v1/accounts/globex/users/${globexUser}/activation`, { option: 'send_invite' }],
    ['GET', '/v1/accounts/globex/inventory'],
    ['GET', `/v1/accounts/acme/provisioning-requests/${globexRequest}`],
    ['GET', `/v1/accounts/acme/users/${globexUser}`],
    ['POST', `/v1/accounts/acme/users/${globexUser}/activation`, { option: 'send_invite' }],
  ];
  for (const [method, path, body] of attempts) {
    const res = await stack.api(method, path, { body });
    expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
    expect(isProblem(res)).toBe(true);
  }
  // And nothing changed over there.
  expect((await stack.api('GET', `/v1/accounts/globex/invitations/${globexInvitation}`, { credential: globex.credential })).body.stage).not.toBe('revoked');
  expect((await stack.api('GET', '/v1/accounts/globex/invite-link', { credential: globex.credential })).status).toBe(200);
  expect((await stack.api('GET', `/v1/accounts/globex/users/${globexUser}`, { credential: globex.credential })).body.activation.stage).toBe('awaiting_activation');
});

test('Idempotency-Key: the same request again returns the first result and does the work once', async () => {
  const headers = { 'idempotency-key': 'invite-ida-1' };
  const first = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'ida@acme.test' }, headers });
  const again = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'ida@acme.test' }, headers });
  expect(first.status).toBe(201);
  expect(again.status).toBe(201);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body).toEqual(first.body);
  const other = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'someone-else@acme.test' }, headers });
  expect(other.status).toBe(422);
  expect(other.body.type).toBe('/problems/idempotency-key-reused');
  await stack.inbox.waitFor((m) => m.to.includes('ida@acme.test'));
  // Once its one workflow is past sending, no second email can come.
  await eventually(async () => (await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(first.body.invitations[0].id)}`)).body.stage === 'awaiting_signup');
  expect(stack.inbox.messages.filter((m) => m.to.includes('ida@acme.test'))).toHaveLength(1);
});

test('no secret is ever written to the logs or to a workflow history', async () => {
  const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'secretive@acme.test' } });
  const id = res.body.invitations[0].id;
  const { url, token } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('secretive@acme.test')));
  await fetch(url);
  const password = 'Very-secret-pass-9';
  expect((await submitSignup(url, { ...validSignup, password, passwordConfirmation: password })).status).toBe(200);
  const issued = await stack.api('POST', '/v1/accounts/acme/credentials', { body: { label: 'scan' } });
  const link = await stack.api('POST', '/v1/accounts/acme/invite-link', { body: {} });
  const linkToken = link.body.url.split('/join/')[1];
  await fetch(link.body.url);
  // Credentials an admin assigns while adding a user: password, PIN and security answer.
  const assigned = { ...credentials, password: 'Assigned-pass-77', passwordConfirmation: 'Assigned-pass-77', pin: '736251', pinConfirmation: '736251', securityAnswer: 'Sesame street' };
  const added = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users: [newUser('assigned@acme.test', { setup: { option: 'assign_credentials', ...assigned } })] } });
  expect(added.status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/accounts/acme/provisioning-requests/${added.body.requestId}`)).body.stage === 'completed');

  await eventually(async () => logLines.some((l) => l.includes('/signup/[token]')), 5_000, 'request logs');
  const secrets = [token, password, stack.account.credential, issued.body.secret, linkToken, assigned.password, assigned.pin, assigned.securityAnswer];
  const logs = logLines.join('\n');
  for (const secret of secrets) expect(logs).not.toContain(secret);

  const histories: string[] = [];
  for await (const wf of stack.client.workflow.list({ query: `AccountId = "acme"` })) {
    histories.push(historyText(await stack.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
  }
  expect(histories.length).toBeGreaterThan(0);
  const all = histories.join('\n');
  expect(all).toContain(id);
  // The payloads are read (decrypted), not just the envelope: neither the signup's password nor its
  // hash is there, only the id of the row that held the hash (the activity took it); likewise the
  // assigned credentials, only the id of the row that holds their hashes.
  const signedUp = historyText(await stack.client.workflow.getHandle(id).fetchHistory());
  expect(signedUp).toContain('passwordId');
  expect(signedUp).not.toContain('scrypt$');
  expect(all).toContain('credentialsId');
  expect(all).not.toContain('First pet?');
  // A PIN is only digits: look for it as a value of its own, not inside a timestamp's nanoseconds.
  const standsAlone = (secret: string) => new RegExp(`(?<!\\d)${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\d)`);
  for (const secret of secrets) expect(all).not.toMatch(standsAlone(secret));
});
