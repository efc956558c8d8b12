// Buying license seats follows the purchase confirmation of adding users: the first call answers 409
// with a quote, the second names the quote and acknowledges its total, once; an Idempotency-Key
// replays the purchase instead of buying twice; and each account has a ceiling that says how to
// raise it.
import { addPersonWithCredential } from '../../api/services/accounts';
import { DEFAULT_SEAT_LIMITS } from '../../config';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const SEATS = '/v1/accounts/acme/licenses/video_pro_plus/seats';
const owned = async (accountId = 'acme', license = 'video_pro_plus') =>
  (await stack.db.query(`SELECT coalesce(sum(seats_total), 0)::int AS n FROM license_inventory WHERE account_id = $1 AND license = $2`, [accountId, license])).rows[0].n;

test('no seat is bought without a quote whose total was acknowledged; the quote buys once', async () => {
  const first = await stack.api('POST', SEATS, { body: { seats: 3 } });
  expect(first.status).toBe(409);
  expect(first.headers.get('content-type')).toContain('application/problem+json');
  expect(first.body).toMatchObject({
    type: '/problems/purchase-confirmation-required',
    quote: {
      id: expect.any(String),
      expiresAt: expect.any(String),
      items: [{ kind: 'license_seats', item: 'video_pro_plus', quantity: 3, unitPriceCents: 1_000, amountCents: 3_000, billing: 'monthly', description: 'Video Pro+ license' }],
      totalCents: 3_000,
      currency: 'USD',
    },
  });
  expect(await owned()).toBe(0);
  const quoteId = first.body.quote.id;

  // Named but not acknowledged: nothing bought.
  const unacknowledged = await stack.api('POST', SEATS, { body: { seats: 3, quoteId } });
  expect(unacknowledged.status).toBe(400);
  expect(unacknowledged.body.errors).toEqual([{ field: 'body.acknowledgeCharges', message: expect.stringMatching(/acknowledg/) }]);
  // A quote for something else: a new quote to review.
  const other = await stack.api('POST', SEATS, { body: { seats: 4, quoteId, acknowledgeCharges: true } });
  expect(other.status).toBe(409);
  expect(other.body).toMatchObject({ type: '/problems/quote-mismatch', quote: { totalCents: 4_000 } });
  expect(await owned()).toBe(0);

  // Acknowledged, with an Idempotency-Key: bought once, and the repeat replays the answer.
  const buy = () => stack.api('POST', SEATS, { body: { seats: 3, quoteId, acknowledgeCharges: true }, headers: { 'idempotency-key': 'buy-3-seats' } });
  const bought = await buy();
  expect(bought.status).toBe(200);
  expect(bought.body).toMatchObject({
    inventory: expect.arrayContaining([{ license: 'video_pro_plus', seatsTotal: 3, seatsUsed: 0 }]),
    charges: { totalCents: 3_000, currency: 'USD' },
  });
  const replayed = await buy();
  expect(replayed.status).toBe(200);
  expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  expect(replayed.body).toEqual(bought.body);
  expect(await owned()).toBe(3);
  // The same quote again (no key): used.
  const again = await stack.api('POST', SEATS, { body: { seats: 3, quoteId, acknowledgeCharges: true } });
  expect(again.status).toBe(409);
  expect(again.body.type).toBe('/problems/quote-used');
  expect(await owned()).toBe(3);

  // RingEX at its own price.
  const ringex = await stack.api('POST', '/v1/accounts/acme/licenses/ringex/seats', { body: { seats: 2 } });
  expect(ringex.body.quote).toMatchObject({ items: [{ item: 'ringex', quantity: 2, unitPriceCents: 3_000 }], totalCents: 6_000 });

  // Only admins with purchasing permission are quoted at all.
  const admin = await addPersonWithCredential(stack.db, 'acme', { email: 'seat-admin@acme.test', firstName: 'No', lastName: 'Buyer', role: 'admin' });
  const refused = await stack.api('POST', SEATS, { body: { seats: 1 }, credential: admin.credential });
  expect(refused.status).toBe(403);
  expect(refused.body.quote).toBeUndefined();
});

test('a purchase above the per-purchase ceiling, or beyond the account\'s ceiling, is refused with how to raise it', async () => {
  const tooMany = await stack.api('POST', SEATS, { body: { seats: DEFAULT_SEAT_LIMITS.perPurchase + 1 } });
  expect(tooMany.status).toBe(400);
  expect(tooMany.body.errors).toEqual([{ field: 'body.seats', message: expect.stringMatching(/at most 1000 seats.*several purchases/) }]);
  // The served document says the same.
  const doc = (await stack.api('GET', '/docs/json', { credential: null })).body;
  const body = doc.paths['/v1/accounts/{accountId}/licenses/{license}/seats'].post.requestBody.content['application/json'].schema;
  expect(body.properties.seats).toMatchObject({ minimum: 1, maximum: DEFAULT_SEAT_LIMITS.perPurchase });

  const small = await stack.createAccount({ id: 'smallco', name: 'Small Co', companyDomains: ['smallco.test'] });
  await stack.db.query(`UPDATE accounts SET seat_limit = 5 WHERE id = 'smallco'`);
  const path = '/v1/accounts/smallco/licenses/video_pro_plus/seats';
  const quoted = await stack.api('POST', path, { body: { seats: 4 }, credential: small.credential });
  expect(quoted.status).toBe(409);
  expect((await stack.api('POST', path, { body: { seats: 4, quoteId: quoted.body.quote.id, acknowledgeCharges: true }, credential: small.credential })).status).toBe(200);

  const beyond = await stack.api('POST', path, { body: { seats: 2 }, credential: small.credential });
  expect(beyond.status).toBe(409);
  expect(beyond.body).toMatchObject({ type: '/problems/seat-limit-reached', limit: 5, seatsTotal: 4 });
  expect(beyond.body.detail).toMatch(/at most 5 Video Pro\+ seats.*1 more.*to raise the ceiling, contact support/i);
  expect(beyond.body.quote).toBeUndefined();
  expect(await owned('smallco')).toBe(4);

  // Raised: it can buy again.
  await stack.db.query(`UPDATE accounts SET seat_limit = 10 WHERE id = 'smallco'`);
  expect((await stack.api('POST', path, { body: { seats: 2 }, credential: small.credential })).body.type).toBe('/problems/purchase-confirmation-required');
});
