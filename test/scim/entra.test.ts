// The requests Microsoft Entra ID's SCIM validator runs against a SCIM endpoint, in its order and
// with its payloads: capitalised ops ("Replace", "Add", "Remove"), "False" as a string, paths with
// value filters, the enterprise extension's manager by id, members added and removed by value,
// excludedAttributes=members on groups. Plus what Entra's provisioning relies on: a replayed create
// answers the first user, and concurrent creates of one person make one user.
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { connectScim, enterpriseSchema, expectScimError, groupSchema, listSchema, patchSchema, SCIM_JSON, scimCaller, userSchema, type ScimCall } from './scim-client';

let stack: TestStack;
let scim: ScimCall;
let token: string;
beforeAll(async () => {
  stack = await startTestStack({ account: { companyDomains: ['contoso.test'] } });
  token = await connectScim(stack, 'acme', stack.account.credential, {
    setupOption: 'activate_later',
    groupMappings: [{ group: 'IT', role: 'admin', license: 'video_pro' }],
  });
  scim = scimCaller(stack.baseUrl, token, 'Microsoft.Azure.AD.Provisioning');
});
afterAll(() => stack?.stop());

const q = (filter: string, extra = '') => `?filter=${encodeURIComponent(filter)}${extra}`;
const patch = (...Operations: unknown[]) => ({ schemas: [patchSchema], Operations });
const entraUser = (n: string, externalId = `ext-${n}`) => ({
  schemas: [userSchema, enterpriseSchema],
  externalId,
  userName: `Test_User_${n}@contoso.test`,
  active: true,
  displayName: `Given ${n} Family`,
  emails: [{ primary: true, type: 'work', value: `Test_User_${n}@contoso.test` }],
  meta: { resourceType: 'User' },
  name: { formatted: `Given${n} Family${n}`, familyName: `Family${n}`, givenName: `Given${n}` },
  roles: [],
  [enterpriseSchema]: { employeeNumber: `E-${n}`, department: 'Finance' },
});

describe('Entra ID SCIM validator: users', () => {
  let user: any;
  let manager: any;

  test('Create a new User', async () => {
    const res = await scim('POST', '/Users', entraUser('a1'));
    expect([res.status, res.body.detail]).toEqual([201, undefined]);
    expect(res.headers.get('content-type')).toBe(SCIM_JSON);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.body).toMatchObject({
      schemas: [userSchema, enterpriseSchema],
      externalId: 'ext-a1',
      userName: 'Test_User_a1@contoso.test',
      active: true,
      [enterpriseSchema]: { employeeNumber: 'E-a1', department: 'Finance' },
      meta: { resourceType: 'User', version: 'W/"1"' },
    });
    user = res.body;
    manager = (await scim('POST', '/Users', entraUser('boss'))).body;
    // Staged for later, the connection's choice: the user is made and waits for an admin.
    const listed = await eventually(async () => {
      const res = await stack.api('GET', `/v1/accounts/acme/users?email=${encodeURIComponent('test_user_a1@contoso.test')}`);
      return res.body.items?.[0]?.onboarding.stage === 'awaiting_activation' ? res.body.items[0] : undefined;
    }, 20_000, 'the staged SCIM user in the users list');
    expect(listed).toMatchObject({ firstName: 'Givena1', lastName: 'Familya1', role: 'user', license: 'video_pro', status: 'not_activated' });
  });

  test('Filter existing user with different case, by externalId, by work email', async () => {
    for (const filter of [
      'userName eq "TEST_USER_A1@CONTOSO.TEST"',
      'externalId eq "ext-a1"',
      'emails[type eq "work"].value eq "test_user_a1@contoso.test"',
      'userName eq "Test_User_a1@contoso.test" and externalId eq "ext-a1"',
      'userName eq "nobody@contoso.test" or externalId eq "ext-a1"',
    ]) {
      const res = await scim('GET', `/Users${q(filter)}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ schemas: [listSchema], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
      expect(res.body.Resources[0].id).toBe(user.id);
    }
    // externalId is case-exact; a home email is not a work email.
    expect((await scim('GET', `/Users${q('externalId eq "EXT-A1"')}`)).body.totalResults).toBe(0);
    expect((await scim('GET', `/Users${q('emails[type eq "home"].value eq "test_user_a1@contoso.test"')}`)).body.totalResults).toBe(0);
  });

  test('attributes and excludedAttributes, paging', async () => {
    const only = await scim('GET', `/Users/${user.id}?attributes=userName,name.familyName`);
    expect(only.body).toEqual({ schemas: [userSchema, enterpriseSchema], id: user.id, userName: user.userName, name: { familyName: 'Familya1' } });
    const without = await scim('GET', `/Users${q('externalId eq "ext-a1"', '&excludedAttributes=emails,name')}`);
    expect(without.body.Resources[0]).not.toHaveProperty('emails');
    expect(without.body.Resources[0]).not.toHaveProperty('name');
    const page2 = await scim('GET', '/Users?startIndex=2&count=1');
    expect(page2.body).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1, Resources: [{ id: manager.id }] });
  });

  test('Patch User - Replace Attributes (paths with filters, capitalised op)', async () => {
    const res = await scim('PATCH', `/Users/${user.id}`, patch(
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updated_a1@contoso.test' },
      { op: 'Replace', path: 'name.familyName', value: 'UpdatedFamily' },
      { op: 'Add', path: 'title', value: 'Engineer' },
      { op: 'Replace', path: `${enterpriseSchema}:department`, value: 'Research' },
    ));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ emails: [{ type: 'work', value: 'updated_a1@contoso.test', primary: true }], name: { familyName: 'UpdatedFamily' }, title: 'Engineer', [enterpriseSchema]: { department: 'Research' } });
  });

  test('Patch User - Add Manager, Replace Manager, Remove Manager', async () => {
    const add = await scim('PATCH', `/Users/${user.id}`, patch({ op: 'Add', path: `${enterpriseSchema}:manager`, value: manager.id }));
    expect(add.status).toBe(200);
    expect(add.body[enterpriseSchema].manager).toEqual({ value: manager.id });
    const replace = await scim('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: `${enterpriseSchema}:manager`, value: { value: user.id } }));
    expect(replace.body[enterpriseSchema].manager).toEqual({ value: user.id });
    const remove = await scim('PATCH', `/Users/${user.id}`, patch({ op: 'Remove', path: `${enterpriseSchema}:manager` }));
    expect(remove.status).toBe(200);
    expect(remove.body[enterpriseSchema]).not.toHaveProperty('manager');
  });

  test('Patch User - Update userName; a taken userName is 409 uniqueness', async () => {
    const res = await scim('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'userName', value: 'renamed_a1@contoso.test' }));
    expect(res.body.userName).toBe('renamed_a1@contoso.test');
    expectScimError(await scim('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'userName', value: manager.userName })), 409, 'uniqueness');
  });

  test('Patch User - Disable User ("False" as a string) and enable it again', async () => {
    const off = await scim('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await scim('GET', `/Users${q('active eq false')}`)).body.Resources.map((u: any) => u.id)).toEqual([user.id]);
    const on = await scim('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'active', value: 'True' }));
    expect(on.body.active).toBe(true);
  });

  test('If-Match: a stale version is 412, the current one applies', async () => {
    const current = await scim('GET', `/Users/${user.id}`);
    const stale = await scim('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'title', value: 'x' }), { 'if-match': 'W/"1"' });
    expectScimError(stale, 412);
    const ok = await scim('PATCH', `/Users/${user.id}`, patch({ op: 'Replace', path: 'title', value: 'Lead' }), { 'if-match': current.headers.get('etag')! });
    expect(ok.status).toBe(200);
  });

  test('Create a duplicate User: another person with that userName is 409; a replay of the same create answers the first', async () => {
    expectScimError(await scim('POST', '/Users', { ...entraUser('boss', 'ext-other') }), 409, 'uniqueness');
    const replay = await scim('POST', '/Users', entraUser('boss'));
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(manager.id);
    expect((await stack.db.query(`SELECT count(*)::int AS n FROM scim_users WHERE lower(user_name) = 'test_user_boss@contoso.test'`)).rows[0].n).toBe(1);
  });

  test('Get a user that does not exist: 404; bad filters and bodies: 400 with scimType', async () => {
    expectScimError(await scim('GET', '/Users/5171a35d-82f6-4e4a-8c3a-3f8b2a6a7a5a'), 404);
    expectScimError(await scim('GET', `/Users${q('userName eq')}`), 400, 'invalidFilter');
    expectScimError(await scim('GET', `/Users${q('password eq "x"')}`), 400, 'invalidFilter');
    expectScimError(await scim('POST', '/Users', { schemas: [userSchema], name: { givenName: 'x' } }), 400, 'invalidValue');
    expectScimError(await scim('PATCH', `/Users/${user.id}`, { Operations: [] }), 400, 'invalidSyntax');
    const badJson = await fetch(`${stack.baseUrl}/scim/v2/Users`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': SCIM_JSON }, body: '{"userName":' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expectScimError(await scim('GET', '/Nothing'), 404);
  });

  test('Delete a User: 204, then 404', async () => {
    const doomed = (await scim('POST', '/Users', entraUser('gone'))).body;
    const del = await scim('DELETE', `/Users/${doomed.id}`);
    expect(del.status).toBe(204);
    expectScimError(await scim('GET', `/Users/${doomed.id}`), 404);
    // The person is offboarded, their record kept.
    const offboarded = await eventually(async () => {
      const res = await stack.api('GET', `/v1/accounts/acme/users?email=${encodeURIComponent('test_user_gone@contoso.test')}`);
      return res.body.items?.[0]?.status === 'disabled' ? res.body.items[0] : undefined;
    }, 20_000, 'the deleted SCIM user disabled');
    expect(offboarded.offboarding.workflowId).toBe(`offboarding:acme:${offboarded.id}`);
    // A create with the same userName after a DELETE is a new user (RFC 7644 §3.6).
    expect((await scim('POST', '/Users', entraUser('gone', 'ext-gone-2'))).status).toBe(201);
  });
});

describe('Entra ID SCIM validator: groups', () => {
  let group: any;
  let member: any;

  test('Create a new Group, filter it with a different case, excludedAttributes=members', async () => {
    member = (await scim('POST', '/Users', entraUser('m1'))).body;
    // The provisioning workflow makes the user row (staged for later) before the group is pushed.
    await eventually(async () => (await stack.db.query(`SELECT 1 FROM users WHERE lower(email) = 'test_user_m1@contoso.test'`)).rowCount === 1, 20_000, 'the user row');
    const res = await scim('POST', '/Groups', { schemas: [groupSchema], externalId: 'g-ext-1', displayName: 'IT', members: [] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ schemas: [groupSchema], displayName: 'IT', externalId: 'g-ext-1', members: [], meta: { resourceType: 'Group' } });
    group = res.body;
    const found = await scim('GET', `/Groups${q('displayName eq "it"', '&excludedAttributes=members')}`);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: group.id, displayName: 'IT' }] });
    expect(found.body.Resources[0]).not.toHaveProperty('members');
    expectScimError(await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'it' }), 409, 'uniqueness');
  });

  test('Patch Group - Add Member: the mapped group makes the member an admin', async () => {
    const res = await scim('PATCH', `/Groups/${group.id}`, patch({ op: 'Add', path: 'members', value: [{ value: member.id }] }));
    expect(res.status).toBe(200);
    expect(res.body.members).toEqual([{ value: member.id, type: 'User', $ref: `${stack.baseUrl}/scim/v2/Users/${member.id}` }]);
    expect((await scim('GET', `/Users/${member.id}`)).body.groups).toEqual([{ value: group.id, display: 'IT', $ref: `${stack.baseUrl}/scim/v2/Groups/${group.id}` }]);
    expect((await scim('GET', `/Groups${q(`members[value eq "${member.id}"]`)}`)).body.totalResults).toBe(1);
    await eventually(async () => (await stack.db.query(`SELECT role FROM users WHERE lower(email) = 'test_user_m1@contoso.test'`)).rows[0]?.role === 'admin', 20_000, 'the IT member an admin');
    expectScimError(await scim('PATCH', `/Groups/${group.id}`, patch({ op: 'Add', path: 'members', value: [{ value: '00000000-0000-4000-8000-000000000000' }] })), 400, 'invalidValue');
  });

  test('Patch Group - Remove Member (Entra\'s value form and the path-filter form), Update displayName', async () => {
    const removed = await scim('PATCH', `/Groups/${group.id}`, patch({ op: 'Remove', path: 'members', value: [{ value: member.id }] }));
    expect(removed.status).toBe(200);
    expect(removed.body.members).toEqual([]);
    await scim('PATCH', `/Groups/${group.id}`, patch({ op: 'Add', path: 'members', value: [{ value: member.id }] }));
    const byFilter = await scim('PATCH', `/Groups/${group.id}`, patch({ op: 'remove', path: `members[value eq "${member.id}"]` }));
    expect(byFilter.body.members).toEqual([]);
    // In no mapped group any more: back to the user role.
    await eventually(async () => (await stack.db.query(`SELECT role FROM users WHERE lower(email) = 'test_user_m1@contoso.test'`)).rows[0]?.role === 'user', 20_000, 'the member back to the user role');
    const renamed = await scim('PATCH', `/Groups/${group.id}`, patch({ op: 'Replace', path: 'displayName', value: 'IT Ops' }));
    expect(renamed.body.displayName).toBe('IT Ops');
  });

  test('Delete a Group: 204, then 404', async () => {
    expect((await scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    expectScimError(await scim('GET', `/Groups/${group.id}`), 404);
  });
});

describe('discovery', () => {
  test('ServiceProviderConfig, ResourceTypes and Schemas say what is supported', async () => {
    const spc = await scim('GET', '/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expect(spc.body).toMatchObject({ patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 200 }, sort: { supported: false }, etag: { supported: true }, changePassword: { supported: false } });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.Resources.map((t: any) => [t.id, t.endpoint])).toEqual([['User', '/Users'], ['Group', '/Groups']]);
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.Resources.map((s: any) => s.id)).toEqual([userSchema, enterpriseSchema, groupSchema]);
    expect((await scim('GET', `/Schemas/${enterpriseSchema}`)).body.attributes.map((a: any) => a.name)).toContain('manager');
  });
});

describe('a create is done once', () => {
  test('ten concurrent creates of one person: one user, one provisioning request', async () => {
    const body = entraUser('race');
    const answers = await Promise.all(Array.from({ length: 10 }, () => scim('POST', '/Users', body)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.every((a) => a.status === 201 || a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const { rows } = await stack.db.query(`SELECT request_id FROM scim_users WHERE lower(user_name) = 'test_user_race@contoso.test'`);
    expect(rows).toHaveLength(1);
    expect((await stack.db.query(`SELECT count(*)::int AS n FROM provisioning_requests WHERE id = $1`, [rows[0].request_id])).rows[0].n).toBe(1);
  });
});
