// The worker dies (SIGKILL) in the middle of a 25-user request that buys seats, deskphones and
// numbers, while number purchases are on the wire; a new worker takes over. Nothing is bought or
// taken twice: one seat purchase, one seat, one order and at most one number per user.
import { address, completedRequest, credentials, newUser } from '../support/provisioning-requests';
import { eventually } from '../support/stack';
import { recordCounts } from '../support/test-logs';
import { stackWithWorkerProcesses } from './crash-support';

const run = stackWithWorkerProcesses();

test('a worker killed mid-request is replaced; no seat, order or number is taken twice', async () => {
  const { stack, workers } = run;
  const users = Array.from({ length: 25 }, (_, i) =>
    newUser(`crash${i}@acme.test`, {
      userType: 'ringex',
      phone: { option: 'purchase', model: 'poly-vvx-450' },
      ...(i % 2 === 0 ? { number: { option: 'new', region: 'CA', areaCode: '415' } } : {}),
      setup: { option: 'assign_credentials', ...credentials },
    }),
  );
  const request = { users, shipTo: address, continueWithoutEmergencyAddress: true };
  const quoted = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: request });
  expect(quoted.body.quote.items.map((i: any) => [i.kind, i.quantity])).toEqual([['license_seats', 25], ['deskphone', 25], ['phone_number', 13]]);

  // A slow carrier, so number purchases are in flight when the worker dies.
  stack.twilio.setLatency(1_500);
  await run.spawnWorker();
  const res = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { ...request, quoteId: quoted.body.quote.id, acknowledgeCharges: true } });
  expect(res.status).toBe(202);
  const purchaseInFlight = () => stack.twilio.inFlight().some((r) => r.method === 'POST' && r.path.endsWith('/IncomingPhoneNumbers.json'));
  await eventually(async () => purchaseInFlight(), 30_000, 'a number purchase in flight');
  await workers[0]!.kill();
  const before = (await stack.db.query(`SELECT count(*)::int AS n FROM users WHERE account_id = 'acme' AND provisioning_key IS NOT NULL`)).rows[0].n;
  expect(before).toBeLessThan(25);

  // What the dead worker had on the wire still happens at the carrier, as it would at Twilio.
  await eventually(async () => stack.twilio.inFlight().length === 0, 10_000, 'the carrier to finish what was in flight');
  stack.twilio.setLatency(0);
  await run.spawnWorker();
  const done = await completedRequest(stack, 'acme', res.body.requestId, undefined, 80_000);

  const q = async (sql: string) => (await stack.db.query(sql)).rows[0];
  const purchases = stack.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/IncomingPhoneNumbers.json') && r.status === 201);
  const counts = {
    created: done.users.filter((u: any) => u.outcome === 'created').length,
    createdBeforeKill: before,
    seatPurchases: (await q(`SELECT count(*)::int AS n, sum(seats)::int AS seats FROM license_purchases WHERE account_id = 'acme'`)),
    seatsTotal: (await q(`SELECT seats_total FROM license_inventory WHERE account_id = 'acme' AND license = 'ringex'`)).seats_total,
    seatsHeld: (await q(`SELECT count(*)::int AS n FROM license_assignments WHERE account_id = 'acme' AND released_at IS NULL`)).n,
    orders: (await q(`SELECT count(*)::int AS n FROM deskphone_orders WHERE account_id = 'acme'`)).n,
    numbersBought: purchases.length,
    numbersDistinct: new Set(purchases.map((p) => p.form.PhoneNumber?.[0])).size,
    numbersOwned: stack.twilio.ownedNumbers.size,
    numbersAssigned: (await q(`SELECT count(*)::int AS n FROM phone_numbers WHERE account_id = 'acme' AND status = 'reserved' AND user_id IS NOT NULL`)).n,
    extensions: new Set(done.users.map((u: any) => u.extension)).size,
    // Purchases whose answer the dead worker never got: the retry found the number owned and kept it.
    adoptedAfterCrash: stack.twilio.requests.filter((r) => r.method === 'GET' && r.path.includes('/IncomingPhoneNumbers.json?') && (r.response as any)?.incoming_phone_numbers?.length === 1).length,
  };
  recordCounts('worker killed mid-request', counts);
  expect(counts).toEqual({
    created: 25,
    createdBeforeKill: before,
    seatPurchases: { n: 1, seats: 25 },
    seatsTotal: 25,
    seatsHeld: 25,
    orders: 25,
    numbersBought: 13,
    numbersDistinct: 13,
    numbersOwned: 13,
    numbersAssigned: 13,
    extensions: 25,
    adoptedAfterCrash: counts.adoptedAfterCrash,
  });
  expect(counts.adoptedAfterCrash).toBeGreaterThanOrEqual(1);
});
