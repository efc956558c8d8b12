// An added user as admins see it: extension, number, deskphone, and where activation stands.
import type { License } from '../../../domain/licenses';
import type { UserProvisioningStatus } from '../../../workflows/provisioning-request/definitions';
import type { UserRow } from './users-data';

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

const activationView = (s: UserProvisioningStatus): NonNullable<UserView['activation']> => ({
  stage: s.stage,
  workflowId: s.workflowId,
  ...(s.invitationId ? { invitationId: s.invitationId } : {}),
  ...(s.waitingReason ? { waitingReason: s.waitingReason } : {}),
});

export function userView(u: UserRow, s?: UserProvisioningStatus): UserView {
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
    ...(s ? { activation: activationView(s) } : {}),
  };
}
