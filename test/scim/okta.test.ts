// The requests Okta's "SCIM 2.0 Spec Test" (its Runscope suite for SCIM integrations) sends, in its
// order and with its assertions, then the CRUD steps Okta's provisioning runs (profile update with
// PUT, deactivation and reactivation with its no-path PATCH). A SCIM create onboards through the
// same provisioning request as the admin API: the welcome email reaches the SMTP server and the
// user shows in the users list with its stage.
import { startTestStack, eventually, type TestStack } from '../support/stack';
import { connectScim, errorSchema, expectScimError, listSchema, SCIM_JSON, scimCaller, userSchema, type ScimCall } from './scim-client';

let stack: TestStack;
let scim: ScimCall;
beforeAll(async () => {
  stack = await startTestStack();
  scim = scimCaller(stack.baseUrl, await connectScim(stack, 'acme', stack.account.credential));
});
afterAll(() => stack?.stop());

const oktaUser = (email: string, given: string, family: string) => ({
  schemas: [userSchema],
  userName: email,
  name: { givenName: given, familyName: family },
  emails: [{ primary: true, value: email, type: 'work' }],
  displayName: `${given} ${family}`,
  active: true,
});

describe('Okta SCIM 2.0 Spec Test', () => {
  let seeded: any;
  let created: any;

  test('a user exists before the suite (Okta assigns one first)', async () => {
    const res = await scim('POST', '/Users', oktaUser('first@acme.test', 'First', 'Person'));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe(SCIM_JSON);
    seeded = res.body;
  });

  test('Required Test: Test Users endpoint', async () => {
    const res = await scim('GET', '/Users?count=1&startIndex=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(SCIM_JSON);
    expect(res.body.schemas).toEqual([listSchema]);
    expect(res.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    const [u] = res.body.Resources;
    expect(u).toMatchObject({ id: seeded.id, userName: 'first@acme.test', active: true, name: { familyName: 'Person', givenName: 'First' }, emails: [{ value: 'first@acme.test' }] });
  });

  test('Required Test: Get Users/{{id}}', async () => {
    const res = await scim('GET', `/Users/${seeded.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: seeded.id, userName: 'first@acme.test', active: true, name: { familyName: 'Person', givenName: 'First' }, emails: [{ value: 'first@acme.test' }] });
    expect(res.headers.get('etag')).toBe(res.body.meta.version);
  });

  test('Required Test: Test invalid User by username', async () => {
    const res = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@invalid.test"')}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schemas: [listSchema], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  test('Required Test: Test invalid User by ID', async () => {
    const res = await scim('GET', '/Users/010101010101010');
    expectScimError(res, 404);
    expect(res.body.schemas).toEqual([errorSchema]);
  });

  test('Required Test: Make sure random user doesn\'t exist', async () => {
    const res = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "Runscope.Random@acme.test"')}`);
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(0);
  });

  test('Required Test: Create Okta user with realistic values', async () => {
    const res = await scim('POST', '/Users', oktaUser('Runscope.Random@acme.test', 'Runscope', 'Random'));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe(SCIM_JSON);
    expect(res.headers.get('location')).toBe(`${stack.baseUrl}/scim/v2/Users/${res.body.id}`);
    expect(res.body).toMatchObject({
      schemas: [userSchema],
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userName: 'Runscope.Random@acme.test',
      active: true,
      name: { givenName: 'Runscope', familyName: 'Random' },
      emails: [{ primary: true, value: 'Runscope.Random@acme.test', type: 'work' }],
      groups: [],
      meta: { resourceType: 'User', version: 'W/"1"', location: res.headers.get('location') },
    });
    created = res.body;
  });

  test('Required Test: Verify that user was created', async () => {
    const res = await scim('GET', `/Users/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userName: 'Runscope.Random@acme.test', name: { familyName: 'Random', givenName: 'Runscope' } });
  });

  test('Required Test: Expect failure when recreating user with same values', async () => {
    const res = await scim('POST', '/Users', oktaUser('Runscope.Random@acme.test', 'Runscope', 'Random'));
    expectScimError(res, 409, 'uniqueness');
  });

  test('Required Test: Username Case Sensitivity Check', async () => {
    const res = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "RUNSCOPE.RANDOM@ACME.TEST"')}`);
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0].id).toBe(created.id);
  });

  test('Optional Test: Verify Groups endpoint', async () => {
    const res = await scim('GET', '/Groups?count=100&startIndex=1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ schemas: [listSchema], totalResults: 0, Resources: [] });
  });

  test('the create onboarded through a provisioning request: welcome email sent, user listed with its stage', async () => {
    const mail = await stack.inbox.waitFor((m) => m.to.includes('runscope.random@acme.test'));
    expect(mail.subject).toMatch(/Acme Corp/);
    const listed = await eventually(async () => {
      const res = await stack.api('GET', `/v1/accounts/acme/users?email=${encodeURIComponent('runscope.random@acme.test')}`);
      return res.body.items?.[0]?.onboarding.stage === 'invited' ? res.body.items[0] : undefined;
    }, 20_000, 'the SCIM user in the users list');
    expect(listed).toMatchObject({ firstName: 'Runscope', lastName: 'Random', addedByAdmin: true, onboarding: { stage: 'invited', workflowId: expect.stringMatching(/^provisioning:acme:.*:user-1$/) } });
    const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM provisioning_requests WHERE account_id = 'acme'`);
    expect(rows[0].n).toBe(2);
  });

  test('profile update (PUT), deactivate and reactivate as Okta sends them', async () => {
    const put = await scim('PUT', `/Users/${created.id}`, { ...oktaUser('Runscope.Random@acme.test', 'Runscope', 'Renamed'), id: created.id });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: { familyName: 'Renamed' }, meta: { version: 'W/"2"' } });
    expect((await stack.db.query(`SELECT last_name FROM users WHERE lower(email) = 'runscope.random@acme.test'`)).rows[0].last_name).toBe('Renamed');

    const off = await scim('PATCH', `/Users/${created.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: created.id, active: false, meta: { version: 'W/"3"' } });
    // The offboarding workflow takes the person out: listed as disabled, with its own stages.
    const offboarded = await eventually(async () => {
      const res = await stack.api('GET', `/v1/accounts/acme/users?email=${encodeURIComponent('runscope.random@acme.test')}`);
      return res.body.items?.[0]?.status === 'disabled' ? res.body.items[0] : undefined;
    }, 20_000, 'the deactivated SCIM user disabled');
    expect(offboarded.offboarding).toMatchObject({ workflowId: `offboarding:acme:${offboarded.id}`, stage: expect.any(String) });
    const on = await scim('PATCH', `/Users/${created.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(on.status).toBe(200);
    expect(on.body.active).toBe(true);
    const back = await eventually(async () => {
      const res = await stack.api('GET', `/v1/accounts/acme/users?email=${encodeURIComponent('runscope.random@acme.test')}`);
      return res.body.items?.[0]?.status !== 'disabled' ? res.body.items[0] : undefined;
    }, 20_000, 'the reactivated SCIM user');
    expect(['reactivated', 'reonboarding', 'awaiting_seat']).toContain(back.offboarding.stage);
  });

  test('a token of the admin API is refused, and no token at all', async () => {
    expectScimError(await scimCaller(stack.baseUrl, stack.account.credential)('GET', '/Users'), 401);
    const none = await scimCaller(stack.baseUrl, null)('GET', '/Users');
    expectScimError(none, 401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
});
