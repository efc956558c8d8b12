// The users and accounts tables as offboarding reads them: the user and where their offboarding
// stands in the read model, and the account's number quarantine.
import type { Db } from '../../../db';
import type { OffboardingStage, UserStatus } from '../../../domain/stages';

export interface OffboardingUserRow {
  id: string;
  email: string;
  status: UserStatus;
  offboarding_stage: OffboardingStage | null;
  offboarding_workflow_id: string | null;
}

export function createUserOffboardingData(db: Db) {
  return {
    async user(accountId: string, userId: string): Promise<OffboardingUserRow | undefined> {
      const { rows } = await db.query<OffboardingUserRow>(
        `SELECT id, email, status, offboarding_stage, offboarding_workflow_id FROM users WHERE id = $1 AND account_id = $2`,
        [userId, accountId],
      );
      return rows[0];
    },

    async quarantineSeconds(accountId: string): Promise<number | undefined> {
      const { rows } = await db.query<{ number_quarantine_seconds: number }>(`SELECT number_quarantine_seconds FROM accounts WHERE id = $1`, [accountId]);
      return rows[0]?.number_quarantine_seconds;
    },

    /** Applies to offboardings from now on; a number already in quarantine keeps its end. */
    async setQuarantineSeconds(accountId: string, seconds: number): Promise<void> {
      await db.query(`UPDATE accounts SET number_quarantine_seconds = $2 WHERE id = $1`, [accountId, seconds]);
    },
  };
}
export type UserOffboardingData = ReturnType<typeof createUserOffboardingData>;
