// Building "add users" requests and following them, for the tests.
import { DateTime } from 'luxon';
import { eventually, type TestStack } from './stack';

export const address = { street: '20 Davis Dr', city: 'Belmont', region: 'CA', postalCode: '94002', country: 'US' };

export const credentials = {
  password: 'Temp0rary pass',
  passwordConfirmation: 'Temp0rary pass',
  pin: '482916',
  pinConfirmation: '482916',
  securityQuestion: 'First pet?',
  securityAnswer: 'Rex the Dog',
};

/** A user for a request; free (Video Pro) and activated later unless told otherwise. */
export function newUser(email: string, over: Record<string, unknown> = {}) {
  const local = email.split('@')[0]!;
  return { userType: 'video_pro', email, firstName: 'Test', lastName: local, setup: { option: 'activate_later' }, ...over };
}

/** "Schedule invite" a few seconds from now, as wall-clock time in a zone. */
export function inSeconds(seconds: number, timeZone = 'Europe/Paris') {
  return { option: 'schedule_invite', localDateTime: DateTime.now().setZone(timeZone).plus({ seconds }).toFormat("yyyy-MM-dd'T'HH:mm:ss"), timeZone };
}

export async function seedInventory(stack: TestStack, accountId: string, inv: { ringexSeats?: number; deskphones?: string[]; numbers?: string[] }) {
  if (inv.ringexSeats !== undefined) {
    await stack.db.query(
      `INSERT INTO license_inventory (account_id, license, seats_total) VALUES ($1, 'ringex', $2)
       ON CONFLICT (account_id, license) DO UPDATE SET seats_total = EXCLUDED.seats_total`,
      [accountId, inv.ringexSeats],
    );
  }
  for (const id of inv.deskphones ?? []) await stack.db.query(`INSERT INTO deskphone_inventory (id, account_id, model) VALUES ($1, $2, 'poly-vvx-250')`, [id, accountId]);
  for (const n of inv.numbers ?? []) await stack.db.query(`INSERT INTO phone_numbers (number, account_id, region, area_code, status) VALUES ($1, $2, 'CA', '650', 'available')`, [n, accountId]);
}

/** Polls the request until every user's provisioning has settled. */
export async function completedRequest(stack: TestStack, accountId: string, requestId: string, credential?: string, timeoutMs = 60_000) {
  return eventually(async () => {
    const r = await stack.api('GET', `/v1/accounts/${accountId}/provisioning-requests/${requestId}`, { credential });
    if (r.status !== 200) throw new Error(`GET answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body.stage === 'completed' ? r.body : undefined;
  }, timeoutMs, `request ${requestId} to complete`);
}

/** The users of several requests once all have completed, split by outcome. */
export async function settledUsers(stack: TestStack, accountId: string, requestIds: string[], credential?: string) {
  const users = [];
  for (const id of requestIds) users.push(...(await completedRequest(stack, accountId, id, credential)).users);
  return { created: users.filter((u: { outcome: string }) => u.outcome === 'created'), failed: users.filter((u: { outcome: string }) => u.outcome === 'failed') };
}
