// A request the OpenAPI document describes is refused only for the state of the account (its
// settings, sites, inventories: 409), of a resource (404, 409) or for a time gone by (409), never as
// invalid (400, 422): that is what `npm run contract` checks with generated requests. These are the
// cases it found, and the rules the document now states, from both sides.
import { startTestStack, type TestStack } from '../support/stack';
import { credentials, newUser, seedInventory } from '../support/provisioning-requests';

let stack: TestStack;
let doc: any;
beforeAll(async () => {
  stack = await startTestStack();
  await seedInventory(stack, 'acme', { ringexSeats: 5 });
  doc = (await stack.api('GET', '/docs/json', { credential: null })).body;
});
afterAll(() => stack?.stop());

const QUOTES = '/v1/accounts/acme/provisioning-quotes';
const quote = (body: unknown) => stack.api('POST', QUOTES, { body });
const bodySchema = (path: string) => doc.paths[path].post.requestBody.content['application/json'].schema;
/** The document's pattern, read as JSON Schema reads it (ECMA-262, Unicode). */
const documented = (pattern: string) => new RegExp(pattern, 'u');

/** An address of exactly `length` characters (local part 64, labels of at most 63). */
function addressOfLength(length: number): string {
  const local = 'l'.repeat(64);
  let domain = 'test';
  while (local.length + 1 + domain.length < length) domain = `${'d'.repeat(Math.min(63, Math.max(1, length - (local.length + 1 + domain.length) - 1)))}.${domain}`;
  return `${local}@${domain}`;
}

test('an email list string: each address at most 254 characters, as the document says with a second pattern', async () => {
  const [listForm] = bodySchema('/v1/accounts/{accountId}/invite-link/share').properties.emails.anyOf;
  const patterns = [listForm.pattern, ...listForm.allOf.map((s: { pattern: string }) => s.pattern)].map(documented);
  const fits = `${addressOfLength(254)}, friend@acme.test`;
  const tooLong = `friend@acme.test; ${addressOfLength(255)}`;
  expect(patterns.map((p) => p.test(fits))).toEqual([true, true]);
  expect(patterns.map((p) => p.test(tooLong))).toEqual([true, false]);

  await stack.api('POST', '/v1/accounts/acme/invite-link', { body: {} });
  const refused = await stack.api('POST', '/v1/accounts/acme/invite-link/share', { body: { emails: tooLong } });
  expect(refused.status).toBe(400);
  expect(refused.body.errors).toEqual([{ field: 'body.emails', message: `"${addressOfLength(255)}" is not a valid email address` }]);
  const shared = await stack.api('POST', '/v1/accounts/acme/invite-link/share', { body: { emails: fits } });
  expect(shared.status).toBe(200);
});

test('a scheduled time gone by is a 409 schedule-in-the-past; a day that does not exist is not in the document, and a 400', async () => {
  const past = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'later@acme.test', schedule: { localDateTime: '0000-01-01T00:00', timeZone: 'Asia/Aden' } } });
  expect(past.status).toBe(409);
  expect(past.body).toMatchObject({ type: '/problems/schedule-in-the-past', errors: [{ field: 'body.schedule.localDateTime', message: 'The scheduled time is in the past' }] });

  const { localDateTime } = bodySchema('/v1/accounts/{accountId}/invitations').oneOf[0].properties.schedule.properties;
  const pattern = documented(localDateTime.pattern);
  expect(['2028-02-29T09:00', '2030-04-30T09:00:59', '0000-02-29T00:00'].map((s) => pattern.test(s))).toEqual([true, true, true]);
  expect(['2030-02-29T09:00', '2030-04-31T09:00', '1900-02-29T09:00', '2030-01-01T24:00'].map((s) => pattern.test(s))).toEqual([false, false, false, false]);
  const noSuchDay = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'later@acme.test', schedule: { localDateTime: '2030-02-30T09:00', timeZone: 'Europe/Paris' } } });
  expect(noSuchDay.status).toBe(400);

  const pastAdd = await quote({ users: [newUser('past@acme.test', { setup: { option: 'schedule_invite', localDateTime: '2020-01-01T09:00', timeZone: 'Europe/Paris' } })] });
  expect(pastAdd.status).toBe(409);
  expect(pastAdd.body.type).toBe('/problems/schedule-in-the-past');
});

test('acknowledgeCharges is true when given, and given with a quote: the document says both', async () => {
  const seats = bodySchema('/v1/accounts/{accountId}/licenses/{license}/seats');
  expect(seats.properties.acknowledgeCharges.enum).toEqual([true]);
  expect(seats.dependentRequired).toEqual({ quoteId: ['acknowledgeCharges'] });
  expect(bodySchema('/v1/accounts/{accountId}/provisioning-requests').dependentRequired).toEqual({ quoteId: ['acknowledgeCharges'] });

  const quoteId = '00000000-0000-4000-8000-000000000000';
  const declined = await stack.api('POST', '/v1/accounts/acme/licenses/video_pro_plus/seats', { body: { seats: 1, quoteId, acknowledgeCharges: false } });
  expect(declined.status).toBe(400);
  expect(declined.body.errors).toEqual([{ field: 'body.acknowledgeCharges', message: 'Check the acknowledgment of the charges to continue.' }]);
  // As the document describes it: refused only because there is no such quote.
  const acknowledged = await stack.api('POST', '/v1/accounts/acme/licenses/video_pro_plus/seats', { body: { seats: 1, quoteId, acknowledgeCharges: true } });
  expect(acknowledged.status).toBe(404);
  // Without a quote, acknowledging or not, the first call still answers with the quote to review.
  const first = await stack.api('POST', '/v1/accounts/acme/licenses/video_pro_plus/seats', { body: { seats: 1, acknowledgeCharges: true } });
  expect(first.body.type).toBe('/problems/purchase-confirmation-required');
});

describe('adding users', () => {
  const deskphone = (shipTo: Record<string, string>) => newUser('desk@acme.test', { userType: 'ringex', phone: { option: 'purchase', model: 'poly-vvx-250', shipTo } });

  test('an address: its country\'s codes in any case, postal codes with spaces around them; blank fields and another country\'s codes refused', async () => {
    const ok = await quote({ users: [deskphone({ street: '1 Rue Saint-Paul', city: 'Montréal', region: 'qc', postalCode: ' h2y 1h3 ', country: 'CA' })] });
    expect(ok.status).toBe(201);
    const bad = await quote({ users: [newUser('x@acme.test')], shipTo: { street: ' ', city: '', region: 'TX', postalCode: '94002', country: 'CA' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { field: 'body.shipTo.street', message: 'Enter the street address.' },
      { field: 'body.shipTo.city', message: 'Enter the city.' },
      { field: 'body.shipTo.region', message: '"TX" is not a Canadian province code.' },
      { field: 'body.shipTo.postalCode', message: '"94002" is not a valid postal code.' },
    ]);
    // toUpperCase() would read "ﬂ" (one character) as FL: not a code.
    const ligature = await quote({ users: [newUser('x@acme.test')], shipTo: { street: '1 Main St', city: 'Miami', region: 'ﬂ', postalCode: '33101', country: 'US' } });
    expect(ligature.body.errors).toEqual([{ field: 'body.shipTo.region', message: '"ﬂ" is not a US state code.' }]);

    // The document: one set of codes per country.
    const { oneOf } = bodySchema('/v1/accounts/{accountId}/provisioning-quotes').properties.shipTo;
    const us = oneOf.find((s: any) => s.properties.country.enum[0] === 'US').properties;
    expect(['TX', 'tx', 'Pr'].map((r) => documented(us.region.pattern).test(r))).toEqual([true, true, true]);
    expect(['ON', 'ﬂ', 'T X'].map((r) => documented(us.region.pattern).test(r))).toEqual([false, false, false]);
    expect(['94002', ' 94002-1234\u3000'].map((p) => documented(us.postalCode.pattern).test(p))).toEqual([true, true]);
    expect(['9400', '٩٤٠٠٢'].map((p) => documented(us.postalCode.pattern).test(p))).toEqual([false, false]);
  });

  test('what only the account decides (its sites, settings, inventories, country) is a 409 conflicts-with-account; the request\'s own faults stay 400, and name everything', async () => {
    const site = await quote({ users: [newUser('site@acme.test', { site: 'hq' })] });
    expect(site.status).toBe(409);
    expect(site.body).toMatchObject({ type: '/problems/conflicts-with-account', errors: [{ field: 'body.users.0.site', message: 'Cost center and site are only available on multi-site accounts.' }] });
    const missing = await quote({ users: [newUser('desk2@acme.test', { userType: 'ringex', phone: { option: 'inventory', deviceId: 'DP-404' }, number: { option: 'new', region: 'ON', areaCode: '416' } })] });
    expect(missing.status).toBe(409);
    expect(missing.body.errors).toEqual([
      { field: 'body.users.0.phone.deviceId', message: 'Deskphone DP-404 is not available in the inventory.' },
      { field: 'body.users.0.number.region', message: '"ON" is not a state or province of US.' },
    ]);

    const both = await quote({ users: [newUser('both@acme.test', { site: 'hq', userType: 'ringex', number: { option: 'new', region: 'ZZ', areaCode: '416' } })] });
    expect(both.status).toBe(400);
    expect(both.body.errors.map((e: any) => e.field)).toEqual(['body.users.0.site', 'body.users.0.number.region']);
  });

  test('what the document says of users: no deskphone or number without phone service, a shipping address for a purchased deskphone, an emergency location or the choice to go without', async () => {
    const mobile = await quote({ users: [newUser('m@acme.test', { userType: 'mobile', number: { option: 'new', region: 'TX', areaCode: '512' } })] });
    expect(mobile.status).toBe(400);
    const nowhere = await quote({ users: [newUser('d@acme.test', { userType: 'ringex', phone: { option: 'purchase', model: 'poly-vvx-250' } })] });
    expect(nowhere.body.errors).toEqual([{ field: 'body.users.0.phone.shipTo', message: 'A purchased deskphone needs a shipping address: its own, or the request\'s shipTo.' }]);

    const unanswered = await quote({ users: [newUser('era@acme.test', { userType: 'ringex', setup: { option: 'assign_credentials', ...credentials } })] });
    expect(unanswered.status).toBe(409);
    expect((await quote({ users: [newUser('era@acme.test', { userType: 'ringex', setup: { option: 'assign_credentials', ...credentials } })], continueWithoutEmergencyAddress: true })).status).toBe(201);

    const schema = bodySchema('/v1/accounts/{accountId}/provisioning-quotes');
    expect(schema.properties.users.items.anyOf).toHaveLength(2);
    // Neither of the two things no request may be: a deskphone with nowhere to ship, credentials without an emergency location unanswered.
    expect(schema.not.anyOf.map((s: { description: string }) => s.description)).toEqual([expect.stringMatching(/nowhere to ship/), expect.stringMatching(/emergency response location/)]);
    const password = documented(schema.properties.users.items.properties.setup.oneOf.find((s: any) => s.properties.password).properties.password.pattern);
    expect(['Temp0rary pass', '1234567é', 'пароль123'].map((p) => password.test(p))).toEqual([true, true, true]);
    expect(['abcdefgh', '12345678'].map((p) => password.test(p))).toEqual([false, false]);
  });
});
