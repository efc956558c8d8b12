// A SCIM user's role and status as their groups' assignment sets them (workflows/scim-assignment/).
// The seat itself is the license activities' (licenses.ts): reserveSeatForAssignment, applyAssignedLicense.
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from './dependencies';
import { failureTypes } from '../domain/failures';
import type { Role } from '../domain/roles';

export function createScimAssignmentActivities({ db }: Pick<ActivityDependencies, 'db'>) {
  return {
    /** The user row the SCIM user's provisioning made; not there yet is retried (the workflow's retry policy bounds it). */
    async scimUserRow({ provisioningKey }: { provisioningKey: string }): Promise<{ userId: string }> {
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM users WHERE provisioning_key = $1`, [provisioningKey]);
      if (!rows[0]) throw ApplicationFailure.create({ type: failureTypes.userNotFound, message: `No user row for ${provisioningKey} yet` });
      return { userId: rows[0].id };
    },

    /** The role the user's groups give; a Super Admin is never lowered by SCIM. */
    async setScimUserRole({ userId, role }: { userId: string; role: Role }): Promise<void> {
      await db.query(
        `UPDATE users SET role = $2 WHERE id = $1 AND role <> 'super_admin' AND role <> $2`,
        [userId, role],
      );
    },

    /** Waiting for a paid seat: the users list shows license pending (a deactivated user stays disabled). */
    async markLicensePending({ userId }: { userId: string }): Promise<void> {
      await db.query(`UPDATE users SET status = 'license_pending' WHERE id = $1 AND status IN ('not_activated', 'active')`, [userId]);
    },
  };
}
