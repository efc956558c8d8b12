// An added user as admins see it (extension, number, deskphone, where activation stands), and
// activating a user who was added with "activate later" (or whose welcome email ended unused).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../db';
import { credentialProblems, lacksEmergencyLocation, missingEmergencyAddressMessage, type CredentialsInput } from '../../domain/provisioning-requests';
import { activateUserAccount, getUserProvisioningStatus, type LaterActivation, type UserProvisioningStatus } from '../../workflows/provisioning-request/definitions';
import { problems } from '../problems';
import { provisioningRequestContext, credentialsActivation } from './provisioning-requests';
import type { Caller } from './credentials';
import { updateProblem } from '../failures';
import type { License } from '../../domain/licenses';

export type ActivationRequest = { option: 'send_invite' } | ({ option: 'assign_credentials'; continueWithoutEmergencyAddress?: boolean } & CredentialsInput);

interface UserRow {
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

export interface UserView {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  userType: License;
  status: string;
  extension: number | null;
  phoneNumber: string | null;
  deskphone: { kind: 'inventory'; deviceId: string } | { kind: 'order'; orderId: string } | null;
  costCenter: string | null;
  site: string | null;
  mustChangePassword: boolean;
  mustAddEmergencyAddress: boolean;
  emergencyResponseLocationId: string | null;
  activation?: { stage: UserProvisioningStatus['stage']; workflowId: string; invitationId?: string; waitingReason?: string };
}

export function createUserService({ db, temporal }: { db: Db; temporal: Client }) {
  async function row(caller: Caller, userId: string): Promise<UserRow> {
    const { rows } = await db.query<UserRow>(
      `SELECT u.id, u.email, u.first_name, u.last_name, u.role, u.license, u.status, u.extension, u.phone_number, u.cost_center, u.site_id,
              u.temporary_password, u.must_add_emergency_address, u.emergency_location_id, u.provisioning_workflow_id,
              (SELECT id FROM deskphone_inventory d WHERE d.user_id = u.id LIMIT 1) AS deskphone_id,
              (SELECT id FROM deskphone_orders o WHERE o.user_id = u.id AND o.status = 'placed' LIMIT 1) AS deskphone_order_id
         FROM users u WHERE u.id = $1 AND u.account_id = $2`,
      [userId, caller.accountId],
    );
    // Users see themselves only; admins see the account's people.
    if (!rows[0] || (caller.role === 'user' && caller.userId !== userId)) throw problems.notFound(`User ${userId}`);
    return rows[0];
  }

  function view(u: UserRow, s?: UserProvisioningStatus): UserView {
    return {
      id: u.id,
      email: u.email,
      firstName: u.first_name,
      lastName: u.last_name,
      role: u.role,
      userType: u.license,
      status: u.status,
      extension: u.extension,
      phoneNumber: u.phone_number,
      deskphone: u.deskphone_id ? { kind: 'inventory', deviceId: u.deskphone_id } : u.deskphone_order_id ? { kind: 'order', orderId: u.deskphone_order_id } : null,
      costCenter: u.cost_center,
      site: u.site_id,
      mustChangePassword: u.temporary_password,
      mustAddEmergencyAddress: u.must_add_emergency_address,
      emergencyResponseLocationId: u.emergency_location_id,
      ...(s ? { activation: { stage: s.stage, workflowId: s.workflowId, ...(s.invitationId ? { invitationId: s.invitationId } : {}), ...(s.waitingReason ? { waitingReason: s.waitingReason } : {}) } } : {}),
    };
  }

  async function provisioningStatus(workflowId: string | null): Promise<UserProvisioningStatus | undefined> {
    if (!workflowId) return undefined;
    try {
      return await temporal.workflow.getHandle(workflowId).query(getUserProvisioningStatus);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  return {
    async get(caller: Caller, userId: string): Promise<UserView> {
      const u = await row(caller, userId);
      return view(u, await provisioningStatus(u.provisioning_workflow_id));
    },

    async activate(caller: Caller, userId: string, req: ActivationRequest): Promise<UserView> {
      if (caller.role === 'user') throw problems.forbidden('Only admins can activate users.');
      const u = await row(caller, userId);
      if (!u.provisioning_workflow_id) throw problems.wrongStage('This user was not added by an admin and activates through their own invitation.');
      const { account, ctx } = await provisioningRequestContext(db, caller.accountId);
      let activation: LaterActivation;
      if (req.option === 'send_invite') {
        if (!account.require_unique_email) {
          throw problems.validation('The user was not activated.', [{ field: 'body.option', message: 'Without "Require unique email", users cannot be invited by email: assign credentials instead.' }]);
        }
        activation = { option: 'send_invite' };
      } else {
        const errors = credentialProblems(req, ctx, 'body');
        if (errors.length > 0) throw problems.validation('The user was not activated: fix the listed fields.', errors);
        if (lacksEmergencyLocation(u.license, req) && !req.continueWithoutEmergencyAddress) {
          throw problems.missingEmergencyAddress([{ field: 'body.emergencyResponseLocation', message: missingEmergencyAddressMessage(u.first_name, u.last_name) }]);
        }
        activation = await credentialsActivation(req, u.license, !!req.continueWithoutEmergencyAddress);
      }
      try {
        await temporal.workflow.getHandle(u.provisioning_workflow_id).executeUpdate(activateUserAccount, { args: [activation] });
      } catch (err) {
        throw updateProblem(err, `User ${userId}`);
      }
      return this.get(caller, userId);
    },
  };
}
export type UserService = ReturnType<typeof createUserService>;
