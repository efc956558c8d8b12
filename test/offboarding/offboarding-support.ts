// Offboarding through the API, as an admin (or the identity provider's SCIM endpoint) does, and
// where everything a user held ends up.
import { offboardingWorkflowId } from '../../workflows/offboarding/definitions';
import { inviteByEmail, linkInMail, submitSignup, validSignup } from '../support/invitee';
import { eventually, type TestStack } from '../support/stack';

export const usersPath = (accountId: string) => `/v1/accounts/${accountId}/users`;

export function deactivate(stack: TestStack, accountId: string, userId: string, o: { credential?: string; idempotencyKey?: string } = {}) {
  return stack.api('POST', `${usersPath(accountId)}/${userId}/deactivation`, { credential: o.credential, headers: o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : undefined });
}

export function reactivate(stack: TestStack, accountId: string, userId: string, credential?: string) {
  return stack.api('POST', `${usersPath(accountId)}/${userId}/reactivation`, { credential });
}

/** The offboarding's status as its workflow reports it, once it has reached `stage`. */
export async function offboardingAt(stack: TestStack, accountId: string, userId: string, stage: string, timeoutMs = 20_000, credential?: string) {
  return eventually(async () => {
    const r = await stack.api('GET', `${usersPath(accountId)}/${userId}/offboarding`, { credential });
    return r.status === 200 && r.body.stage === stage ? r.body : undefined;
  }, timeoutMs, `offboarding of ${userId} at ${stage}`);
}

/** The offboarding workflow's result once it has ended. */
export const offboardingResult = (stack: TestStack, accountId: string, userId: string) => stack.client.workflow.getHandle(offboardingWorkflowId(accountId, userId)).result();

/**
 * A user as a provisioning request with assigned credentials leaves them: active, with a seat, and
 * optionally a number and a deskphone from the inventory, all keyed by one reservation key.
 */
export async function seedActiveUser(stack: TestStack, accountId: string, u: { email: string; license: 'ringex' | 'video_pro_plus'; extension: number; number?: string; deskphone?: string }): Promise<string> {
  const key = `seed:${accountId}:${u.email}`;
  const { rows } = await stack.db.query<{ id: string }>(
    `INSERT INTO users (account_id, email, first_name, last_name, role, user_type, license, status, extension, phone_number, provisioning_key, activated_at)
     VALUES ($1, $2, 'Seeded', $2, 'user', 'coworker', $3, 'active', $4, $5, $6, now()) RETURNING id`,
    [accountId, u.email, u.license, u.extension, u.number ?? null, key],
  );
  const userId = rows[0]!.id;
  await stack.db.query(`INSERT INTO license_assignments (reservation_key, account_id, license, user_id) VALUES ($1, $2, $3, $4)`, [key, accountId, u.license, userId]);
  if (u.number) {
    await stack.db.query(`INSERT INTO phone_numbers (number, account_id, region, area_code, status, reservation_key, user_id) VALUES ($1, $2, 'CA', '650', 'reserved', $3, $4)`, [u.number, accountId, key, userId]);
  }
  if (u.deskphone) {
    await stack.db.query(`INSERT INTO deskphone_inventory (id, account_id, model, reservation_key, user_id) VALUES ($1, $2, 'poly-vvx-250', $3, $4)`, [u.deskphone, accountId, key, userId]);
  }
  return userId;
}

/** Where the account's seats, numbers and deskphones are: each must be in exactly one place. */
export async function inventoryLedger(stack: TestStack, accountId: string) {
  const q = async (sql: string) => (await stack.db.query(sql, [accountId])).rows;
  const seats = await q(`SELECT license, seats_total,
      (SELECT count(*)::int FROM license_assignments a WHERE a.account_id = i.account_id AND a.license = i.license AND a.released_at IS NULL) AS used,
      (SELECT count(*)::int FROM license_assignments a JOIN users u ON u.id = a.user_id
        WHERE a.account_id = i.account_id AND a.license = i.license AND a.released_at IS NULL AND u.status = 'disabled') AS held_by_disabled
      FROM license_inventory i WHERE account_id = $1 ORDER BY license`);
  const numbers = await q(`SELECT status, count(*)::int AS n FROM phone_numbers WHERE account_id = $1 GROUP BY status ORDER BY status`);
  // A number is the user's on both sides (row and user), or nobody's; never two users'.
  const numberMismatches = await q(`SELECT p.number FROM phone_numbers p LEFT JOIN users u ON u.id = p.user_id
      WHERE p.account_id = $1 AND ((p.status IN ('reserved', 'quarantined')) <> (u.phone_number IS NOT DISTINCT FROM p.number AND u.id IS NOT NULL))`);
  const numbersOnTwoUsers = await q(`SELECT phone_number FROM users WHERE account_id = $1 AND phone_number IS NOT NULL GROUP BY phone_number HAVING count(*) > 1`);
  const deskphones = await q(`SELECT CASE WHEN user_id IS NULL THEN 'inventory' WHEN return_requested_at IS NOT NULL THEN 'awaiting_return' ELSE 'with_user' END AS place, count(*)::int AS n
      FROM deskphone_inventory WHERE account_id = $1 GROUP BY 1 ORDER BY 1`);
  // One offboarding gives back one user's things: never two numbers, nor the same thing in two offboardings of one run.
  const releasedTwice = await q(`SELECT offboarding_key, kind, count(*)::int AS n FROM offboarding_releases WHERE account_id = $1 AND kind IN ('number', 'seat')
      GROUP BY offboarding_key, kind HAVING count(*) > 1`);
  return { seats, numbers, numberMismatches, numbersOnTwoUsers, deskphones, releasedTwice };
}

/** An invitee of a Video Pro+ account who signed up and was assigned the license: waiting in line for a seat. Their invitation's id. */
export async function seatWaiter(stack: TestStack, email: string): Promise<string> {
  const { id, mail } = await inviteByEmail(stack, email);
  expect((await submitSignup(linkInMail(mail).url, validSignup)).status).toBe(200);
  const pending = await stack.api('POST', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}/license`);
  expect(pending.body).toMatchObject({ stage: 'license_pending', waitingReason: 'no seat available' });
  return id;
}
