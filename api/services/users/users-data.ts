// The users table as the API reads it: an added user with what they hold, and which emails are taken.
import { insertAssignedCredentials } from '../provisioning-requests/provisioning-requests-data';
import type { StoredCredentialsRow } from '../provisioning-requests/provisioning-input';
import type { Db } from '../../../db';
import type { License } from '../../../domain/licenses';

export interface UserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: string;
  license: License;
  status: string;
  extension: number | null;
  phone_number: string | null;
  cost_center: string | null;
  site_id: string | null;
  temporary_password: boolean;
  must_add_emergency_address: boolean;
  emergency_location_id: string | null;
  provisioning_workflow_id: string | null;
  deskphone_id: string | null;
  deskphone_order_id: string | null;
}

export function createUsersData(db: Db) {
  return {
    /** A later activation's hashes, for the activation activity to take (the workflow gets the id). */
    storeAssignedCredentials: (accountId: string, c: StoredCredentialsRow) => insertAssignedCredentials(db, accountId, c),
    async dropAssignedCredentials(accountId: string, id: string): Promise<void> {
      await db.query(`DELETE FROM assigned_credentials WHERE id = $1 AND account_id = $2`, [id, accountId]);
    },

    /** A user of the account, with their deskphone (from the inventory, or on order). */
    async byId(accountId: string, userId: string): Promise<UserRow | undefined> {
      const { rows } = await db.query<UserRow>(
        `SELECT u.id, u.email, u.first_name, u.last_name, u.role, u.license, u.status, u.extension, u.phone_number, u.cost_center, u.site_id,
                u.temporary_password, u.must_add_emergency_address, u.emergency_location_id, u.provisioning_workflow_id,
                (SELECT id FROM deskphone_inventory d WHERE d.user_id = u.id LIMIT 1) AS deskphone_id,
                (SELECT id FROM deskphone_orders o WHERE o.user_id = u.id AND o.status = 'placed' LIMIT 1) AS deskphone_order_id
           FROM users u WHERE u.id = $1 AND u.account_id = $2`,
        [userId, accountId],
      );
      return rows[0];
    },

    /** Which of `emails` (lower case) already belong to a user of the account who is not disabled. */
    async emailsInUse(accountId: string, emails: string[]): Promise<string[]> {
      const { rows } = await db.query<{ email: string }>(
        `SELECT DISTINCT lower(email) AS email FROM users WHERE account_id = $1 AND lower(email) = ANY($2) AND status <> 'disabled'`,
        [accountId, emails],
      );
      return rows.map((r) => r.email);
    },
  };
}
export type UsersData = ReturnType<typeof createUsersData>;
