// Bench scenario 7: N deactivations through the API until every seat and every number is back in
// the inventory (the account's quarantine shortened to a second, so the engine, not the quarantine,
// is measured). The users are seeded as provisioning leaves them (active, a seat, 4 in 5 with a
// RingEX number); each deactivation is one API call, `concurrency` at a time, retried after a 503
// as an identity provider does. Reported per second, beside the engine floor of the same run.
import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import { pool, sleep } from './measure';

export interface OffboardingBenchResult {
  users: number;
  numbers: number;
  /** API calls answered per second (the deactivations accepted). */
  acceptedPerSecond: number;
  /** Deactivations until every seat and number is back, per second. */
  perSecond: number;
  ratioToFloor: number;
  retriedAfter503: number;
  historyEventsPerOffboarding: number;
}

const ACCOUNT = 'offboard-bench';

async function seed(db: Db, n: number): Promise<string[]> {
  const numbers = Math.round(n * 0.8);
  await db.query(`UPDATE accounts SET number_quarantine_seconds = 1 WHERE id = $1`, [ACCOUNT]);
  await db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ($1, 'ringex', $2), ($1, 'video_pro_plus', $3)`, [ACCOUNT, numbers, n - numbers]);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (account_id, email, first_name, last_name, license, status, extension, phone_number, provisioning_key, activated_at)
     SELECT $1, 'leaver' || i || '@offboard.test', 'Leaver', i::text, CASE WHEN i < $3 THEN 'ringex' ELSE 'video_pro_plus' END, 'active', 1000 + i,
            CASE WHEN i < $3 THEN '+1650' || lpad(i::text, 7, '0') END, 'bench-seed:' || i, now()
       FROM generate_series(0, $2 - 1) AS i RETURNING id`,
    [ACCOUNT, n, numbers],
  );
  await db.query(
    `INSERT INTO license_assignments (reservation_key, account_id, license, user_id) SELECT provisioning_key, account_id, license, id FROM users WHERE account_id = $1 AND provisioning_key LIKE 'bench-seed:%'`,
    [ACCOUNT],
  );
  await db.query(
    `INSERT INTO phone_numbers (number, account_id, region, area_code, status, reservation_key, user_id)
     SELECT phone_number, account_id, 'CA', '650', 'reserved', provisioning_key, id FROM users WHERE account_id = $1 AND phone_number IS NOT NULL`,
    [ACCOUNT],
  );
  return rows.map((r) => r.id);
}

async function everythingBack(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ seats: number; numbers: number }>(
    `SELECT (SELECT count(*)::int FROM license_assignments WHERE account_id = $1 AND released_at IS NULL) AS seats,
            (SELECT count(*)::int FROM phone_numbers WHERE account_id = $1 AND status <> 'available') AS numbers`,
    [ACCOUNT],
  );
  return rows[0]!.seats === 0 && rows[0]!.numbers === 0;
}

export async function offboardingScenario(o: {
  db: Db; client: Client; baseUrl: string; credential: string; n: number; concurrency: number; floor: number;
}): Promise<OffboardingBenchResult> {
  const users = await seed(o.db, o.n);
  let retried = 0;
  const t = performance.now();
  await pool(users, o.concurrency, async (id) => {
    for (;;) {
      const res = await fetch(`${o.baseUrl}/v1/accounts/${ACCOUNT}/users/${id}/deactivation`, { method: 'POST', headers: { authorization: `Bearer ${o.credential}` } });
      if (res.status === 202) return;
      if (res.status !== 503) throw new Error(`deactivation: ${res.status} ${await res.text()}`);
      retried += 1;
      await sleep(500);
    }
  });
  const acceptedSeconds = (performance.now() - t) / 1000;
  while (!(await everythingBack(o.db))) await sleep(100);
  const seconds = (performance.now() - t) / 1000;
  const history = await o.client.workflow.getHandle(`offboarding:${ACCOUNT}:${users[0]}`).fetchHistory();
  const perSecond = o.n / seconds;
  return {
    users: o.n, numbers: Math.round(o.n * 0.8), acceptedPerSecond: o.n / acceptedSeconds, perSecond, ratioToFloor: perSecond / o.floor,
    retriedAfter503: retried, historyEventsPerOffboarding: history.events?.length ?? 0,
  };
}

export const OFFBOARDING_BENCH_ACCOUNT = ACCOUNT;
