// What an offboarding gave back (offboarding_releases): written in the transaction of the conditional
// update that released it, so each holding is recorded once. A release repeated within one run (a
// deactivation, reactivation and deactivation again of the same seat) is recorded once for that run.
import type { PoolClient } from 'pg';

export interface OffboardingRelease {
  offboardingKey: string;
  kind: 'seat' | 'number' | 'deskphone' | 'deskphone_order';
  ref: string;
  userId: string;
  accountId: string;
}

export async function recordRelease(tx: Pick<PoolClient, 'query'>, r: OffboardingRelease): Promise<void> {
  await tx.query(
    `INSERT INTO offboarding_releases (offboarding_key, kind, ref, user_id, account_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (offboarding_key, kind, ref) DO NOTHING`,
    [r.offboardingKey, r.kind, r.ref, r.userId, r.accountId],
  );
}
