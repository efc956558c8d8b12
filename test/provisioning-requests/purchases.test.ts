// What adding users buys: a quote that must be acknowledged, seats, deskphone orders and numbers
// bought through the `twilio` library from the local Twilio-compatible endpoint; a refused number
// purchase gives back that user's seat and deskphone order and leaves the others created; and
// concurrent requests never share an extension or a seat.
import { addPersonWithCredential } from '../../api/services/accounts';
import { address, completedRequest, credentials, newUser, seedInventory, settledUsers } from '../support/provisioning-requests';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const ringex = (email: string, over: Record<string, unknown> = {}) =>
  newUser(email, { userType: 'ringex', setup: { option: 'assign_credentials', ...credentials }, ...over });
const numberPurchases = () => stack.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/IncomingPhoneNumbers.json'));

describe('a request that buys', () => {
  test('quote → acknowledged submit → seats, a deskphone order and a new number are bought', async () => {
    const account = await stack.createAccount({ id: 'buyer', companyDomains: ['buyer.test'] });
    await seedInventory(stack, 'buyer', { ringexSeats: 1, deskphones: ['DP-1'] });
    const api = (method: string, path: string, body?: unknown, credential = account.credential) => stack.api(method, `/v1/accounts/buyer${path}`, { body, credential });
    const request = {
      continueWithoutEmergencyAddress: true,
      shipTo: address,
      users: [
        ringex('one@buyer.test', { phone: { option: 'inventory', deviceId: 'DP-1' } }),
        ringex('two@buyer.test', { phone: { option: 'purchase', model: 'yealink-t54w' }, number: { option: 'new', region: 'CA', areaCode: '650' } }),
        ringex('three@buyer.test', { phone: { option: 'purchase', model: 'yealink-t54w', shipTo: { ...address, street: '1 Main St', city: 'Austin', region: 'TX', postalCode: '73301' } } }),
      ],
    };

    // An admin without purchasing permission can still assign inventory, but cannot buy.
    const noPurchase = await addPersonWithCredential(stack.db, 'buyer', { email: 'nobuy@buyer.test', firstName: 'No', lastName: 'Buy', role: 'admin' });
    const forbidden = await api('POST', '/provisioning-requests', request, noPurchase.credential);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toMatch(/purchasing permission/);

    const first = await api('POST', '/provisioning-requests', request);
    expect(first.status).toBe(409);
    expect(first.body.type).toBe('/problems/purchase-confirmation-required');
    const quote = first.body.quote;
    expect(quote.items).toEqual([
      { kind: 'license_seats', item: 'ringex', description: 'RingEX license', quantity: 2, unitPriceCents: 3000, amountCents: 6000, billing: 'monthly' },
      { kind: 'deskphone', item: 'yealink-t54w', description: 'Yealink T54W', quantity: 2, unitPriceCents: 18900, amountCents: 37800, billing: 'one_time' },
      { kind: 'phone_number', item: 'local', description: 'New local number', quantity: 1, unitPriceCents: 500, amountCents: 500, billing: 'one_time' },
    ]);
    expect(quote.totalCents).toBe(44300);
    expect(await stack.db.query(`SELECT 1 FROM provisioning_requests WHERE account_id = 'buyer'`)).toMatchObject({ rowCount: 0 });

    const unacknowledged = await api('POST', '/provisioning-requests', { ...request, quoteId: quote.id });
    expect(unacknowledged.status).toBe(400);
    expect(unacknowledged.body.errors).toEqual([{ field: 'body.acknowledgeCharges', message: 'Check the acknowledgment of the charges to continue.' }]);

    const changed = await api('POST', '/provisioning-requests', { ...request, users: [...request.users.slice(0, 2)], quoteId: quote.id, acknowledgeCharges: true });
    expect(changed.status).toBe(409);
    expect(changed.body.type).toBe('/problems/quote-mismatch');
    expect(changed.body.quote.totalCents).toBe(3000 + 18900 + 500);

    const submitted = await api('POST', '/provisioning-requests', { ...request, quoteId: quote.id, acknowledgeCharges: true });
    expect(submitted.status).toBe(202);
    expect(submitted.body.charges.totalCents).toBe(44300);
    const reused = await api('POST', '/provisioning-requests', { ...request, quoteId: quote.id, acknowledgeCharges: true });
    expect(reused.status).toBe(409);
    expect(reused.body.type).toBe('/problems/quote-used');

    const done = await completedRequest(stack, 'buyer', submitted.body.requestId, account.credential);
    expect(done.users.map((u: any) => u.outcome)).toEqual(['created', 'created', 'created']);
    expect(done.users[0].deskphone).toEqual({ kind: 'inventory', deviceId: 'DP-1' });
    expect(done.users[1]).toMatchObject({ deskphone: { kind: 'order', model: 'yealink-t54w' }, phoneNumber: expect.stringMatching(/^\+1650555\d{4}$/) });

    const { rows: seats } = await stack.db.query(`SELECT seats_total FROM license_inventory WHERE account_id = 'buyer' AND license = 'ringex'`);
    expect(seats[0].seats_total).toBe(3);
    const { rows: orders } = await stack.db.query(`SELECT model, status, ship_to->>'city' AS city, price_cents FROM deskphone_orders WHERE account_id = 'buyer' ORDER BY city`);
    expect(orders).toEqual([
      { model: 'yealink-t54w', status: 'placed', city: 'Austin', price_cents: 18900 },
      { model: 'yealink-t54w', status: 'placed', city: 'Belmont', price_cents: 18900 },
    ]);
    // The number was searched in the area code and bought, as Twilio's API expects (Prism validated both).
    const search = stack.twilio.requests.find((r) => r.path.includes('/AvailablePhoneNumbers/US/Local.json'))!;
    expect(search).toMatchObject({ method: 'GET', status: 200 });
    expect(new URL(search.path, 'http://x').searchParams.get('AreaCode')).toBe('650');
    const bought = numberPurchases();
    expect(bought).toHaveLength(1);
    expect(bought[0]).toMatchObject({ status: 201, form: { PhoneNumber: [done.users[1].phoneNumber] } });
    expect(stack.twilio.ownedNumbers.has(done.users[1].phoneNumber)).toBe(true);
    const { rows: number } = await stack.db.query(`SELECT status, user_id FROM phone_numbers WHERE number = $1`, [done.users[1].phoneNumber]);
    expect(number[0]).toEqual({ status: 'reserved', user_id: done.users[1].userId });
  });

  test('a number purchase refused by the carrier gives back that user\'s seat and deskphone order; the other users are created', async () => {
    const account = await stack.createAccount({ id: 'refused', companyDomains: ['refused.test'] });
    await seedInventory(stack, 'refused', { ringexSeats: 3 });
    stack.twilio.setFault((req) =>
      req.method === 'POST' && req.path.endsWith('/IncomingPhoneNumbers.json') && req.form.PhoneNumber?.[0]?.startsWith('+1212')
        ? { status: 400, body: { code: 21422, message: 'PhoneNumber requested is not available', more_info: 'https://www.twilio.com/docs/errors/21422', status: 400 } }
        : undefined,
    );
    try {
      const request = {
        continueWithoutEmergencyAddress: true,
        shipTo: address,
        users: [
          ringex('ok1@refused.test', { number: { option: 'new', region: 'CA', areaCode: '415' } }),
          ringex('unlucky@refused.test', { phone: { option: 'purchase', model: 'poly-vvx-250' }, number: { option: 'new', region: 'NY', areaCode: '212' } }),
          ringex('ok2@refused.test'),
        ],
      };
      const quoted = await stack.api('POST', '/v1/accounts/refused/provisioning-requests', { body: request, credential: account.credential });
      const res = await stack.api('POST', '/v1/accounts/refused/provisioning-requests', { body: { ...request, quoteId: quoted.body.quote.id, acknowledgeCharges: true }, credential: account.credential });
      expect(res.status).toBe(202);
      const done = await completedRequest(stack, 'refused', res.body.requestId, account.credential);
      const [ok1, unlucky, ok2] = done.users;
      expect(ok1).toMatchObject({ outcome: 'created', stage: 'activated' });
      expect(ok2).toMatchObject({ outcome: 'created', stage: 'activated' });
      expect(unlucky).toMatchObject({ outcome: 'failed', stage: 'failed' });
      expect(unlucky.failure).toMatch(/The carrier refused to sell \+1212555\d{4}: PhoneNumber requested is not available \(code 21422\)/);
      // The refused number was never held; the order is cancelled and the seat handed back, latest first.
      expect(unlucky.released).toEqual([expect.stringMatching(/^deskphone order .* \(poly-vvx-250\) cancelled$/), 'RingEX seat']);

      const { rows: seats } = await stack.db.query(`SELECT reservation_key, released_at IS NOT NULL AS released FROM license_assignments WHERE account_id = 'refused' ORDER BY reservation_key`);
      expect(seats.map((s) => s.released)).toEqual([false, true, false]);
      const { rows: orders } = await stack.db.query(`SELECT status FROM deskphone_orders WHERE account_id = 'refused'`);
      expect(orders).toEqual([{ status: 'cancelled' }]);
      const { rows: users } = await stack.db.query(`SELECT email FROM users WHERE account_id = 'refused' AND provisioning_key IS NOT NULL ORDER BY email`);
      expect(users.map((u) => u.email)).toEqual(['ok1@refused.test', 'ok2@refused.test']);
      expect((await stack.db.query(`SELECT 1 FROM phone_numbers WHERE number LIKE '+1212%'`)).rowCount).toBe(0);
      const inventory = await stack.api('GET', '/v1/accounts/refused/inventory', { credential: account.credential });
      expect(inventory.body.seats).toContainEqual({ license: 'ringex', seatsTotal: 3, seatsUsed: 2, seatsFree: 1 });
    } finally {
      stack.twilio.setFault(undefined);
    }
  });
});

test('an admin without purchasing permission assigns from the existing inventory: seat, deskphone and number', async () => {
  await stack.createAccount({ id: 'stocked', companyDomains: ['stocked.test'] });
  await seedInventory(stack, 'stocked', { ringexSeats: 1, deskphones: ['DP-S'], numbers: ['+16505550177'] });
  const admin = await addPersonWithCredential(stack.db, 'stocked', { email: 'ops@stocked.test', firstName: 'Op', lastName: 'S', role: 'admin' });
  const inventory = await stack.api('GET', '/v1/accounts/stocked/inventory', { credential: admin.credential });
  expect(inventory.body).toMatchObject({ deskphones: [{ id: 'DP-S', model: 'poly-vvx-250' }], phoneNumbers: [{ phoneNumber: '+16505550177' }], seats: expect.arrayContaining([{ license: 'ringex', seatsTotal: 1, seatsUsed: 0, seatsFree: 1 }]) });
  const res = await stack.api('POST', '/v1/accounts/stocked/provisioning-requests', {
    credential: admin.credential,
    body: { continueWithoutEmergencyAddress: true, users: [ringex('desk@stocked.test', { phone: { option: 'inventory', deviceId: 'DP-S' }, number: { option: 'inventory', phoneNumber: '+16505550177' } })] },
  });
  expect(res.status).toBe(202);
  expect(res.body.charges).toBeUndefined();
  const [created] = (await completedRequest(stack, 'stocked', res.body.requestId, admin.credential)).users;
  expect(created).toMatchObject({ outcome: 'created', phoneNumber: '+16505550177', deskphone: { kind: 'inventory', deviceId: 'DP-S' } });
  const after = await stack.api('GET', '/v1/accounts/stocked/inventory', { credential: admin.credential });
  expect(after.body).toMatchObject({ deskphones: [], phoneNumbers: [] });
  expect(stack.twilio.requests.filter((r) => r.form.PhoneNumber?.[0] === '+16505550177')).toHaveLength(0);
});

describe('concurrent requests', () => {
  test('two requests racing for one address: one user is created; the other gives back its seat and releases the number it bought at the carrier', async () => {
    const account = await stack.createAccount({ id: 'samemail', companyDomains: ['samemail.test'] });
    await seedInventory(stack, 'samemail', { ringexSeats: 2 });
    const body = { continueWithoutEmergencyAddress: true, users: [ringex('twin@samemail.test', { number: { option: 'new', region: 'WA', areaCode: '206' } })] };
    // Both pass the API's check (neither user exists yet); the database's unique index decides.
    const quotes = await Promise.all([0, 1].map(() => stack.api('POST', '/v1/accounts/samemail/provisioning-requests', { body, credential: account.credential })));
    const [a, b] = await Promise.all(quotes.map((q) => stack.api('POST', '/v1/accounts/samemail/provisioning-requests', { body: { ...body, quoteId: q.body.quote.id, acknowledgeCharges: true }, credential: account.credential })));
    expect([a!.status, b!.status]).toEqual([202, 202]);
    const { created, failed } = await settledUsers(stack, 'samemail', [a!.body.requestId, b!.body.requestId], account.credential);
    expect(created).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0].failure).toBe('twin@samemail.test already belongs to a user of this account');
    expect(failed[0].released).toEqual([expect.stringMatching(/^\+1206555\d{4}$/), 'RingEX seat']);
    const releasedNumber = failed[0].released[0];
    // Given back to the carrier through Twilio's API (DELETE, as its description says), and gone from the inventory.
    const deletion = stack.twilio.requests.find((r) => r.method === 'DELETE' && r.path.includes('/IncomingPhoneNumbers/PN'));
    expect(deletion).toMatchObject({ status: 204 });
    expect(stack.twilio.ownedNumbers.has(releasedNumber)).toBe(false);
    expect(stack.twilio.ownedNumbers.has(created[0].phoneNumber)).toBe(true);
    const { rows } = await stack.db.query(`SELECT status, user_id FROM phone_numbers WHERE number = $1`, [releasedNumber]);
    expect(rows[0]).toEqual({ status: 'released', user_id: null });
    const { rows: seats } = await stack.db.query(`SELECT count(*)::int AS n FROM license_assignments WHERE account_id = 'samemail' AND released_at IS NULL`);
    expect(seats[0].n).toBe(1);
  });

  test('two requests at once never hand out the same extension or seat: 15 seats, 20 users asking', async () => {
    const account = await stack.createAccount({ id: 'race', companyDomains: ['race.test'] });
    await seedInventory(stack, 'race', { ringexSeats: 15 });
    const batch = (tag: string) => ({ continueWithoutEmergencyAddress: true, users: Array.from({ length: 10 }, (_, i) => ringex(`${tag}${i}@race.test`)) });
    // Each request alone fits in the 15 free seats, so neither buys anything; together they ask for 20.
    const [a, b] = await Promise.all(['a', 'b'].map((tag) => stack.api('POST', '/v1/accounts/race/provisioning-requests', { body: batch(tag), credential: account.credential })));
    expect([a!.status, b!.status]).toEqual([202, 202]);
    const { created, failed } = await settledUsers(stack, 'race', [a!.body.requestId, b!.body.requestId], account.credential);
    expect(created).toHaveLength(15);
    expect(failed).toHaveLength(5);
    for (const f of failed) expect(f).toMatchObject({ failure: 'No RingEX seat available', released: [] });
    expect(new Set(created.map((u: any) => u.extension)).size).toBe(15);

    const { rows } = await stack.db.query(`SELECT count(*)::int AS seats, count(DISTINCT user_id)::int AS holders FROM license_assignments WHERE account_id = 'race' AND released_at IS NULL`);
    expect(rows[0]).toEqual({ seats: 15, holders: 15 });
    const { rows: ext } = await stack.db.query(`SELECT count(*)::int AS n, count(DISTINCT extension)::int AS distinct_n FROM users WHERE account_id = 'race' AND extension IS NOT NULL`);
    expect(ext[0]).toEqual({ n: 15, distinct_n: 15 });
  });
});
