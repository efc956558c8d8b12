// Names and shapes of adding users as an admin (up to 25 in one request), shared by the
// workflows, the API and the tests. Workflow-safe: definitions and plain types only.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PostalAddress } from '../../domain/postal-address';
import type { License, PaidLicense } from '../../domain/licenses';
import type { Role } from '../../domain/roles';
import type { ProvisioningRequestStage, UserProvisioningStage } from '../../domain/stages';

export const MAX_USERS_PER_REQUEST = 25;

/** Credentials as the workflow receives them: every secret already hashed by the API. */
export interface AssignedCredentials {
  passwordHash: string;
  /** "Temporary Password": the user must change it at first sign-in. */
  temporaryPassword: boolean;
  pinHash: string;
  securityQuestion: string;
  securityAnswerHash: string;
}

/** Where a user's emergency calls are located; users with phone service need one or an explicit "continue without". */
export type EmergencyLocationChoice =
  | { kind: 'existing'; locationId: string }
  | { kind: 'new'; nickname: string; siteId?: string; address: PostalAddress }
  /** "Missing Emergency Address" → Yes: the user is prompted to add it at first sign-in. */
  | { kind: 'none_acknowledged' };

/** How a user is activated; `sendAt` (ISO) only for a scheduled invite. */
export type Activation =
  | { option: 'send_invite' }
  | { option: 'schedule_invite'; sendAt: string }
  | { option: 'assign_credentials'; credentials: AssignedCredentials; emergency?: EmergencyLocationChoice }
  | { option: 'activate_later' };

export type DeskphoneChoice =
  | { kind: 'app' }
  | { kind: 'inventory'; deviceId: string }
  | { kind: 'purchase'; model: string; priceCents: number; shipTo: PostalAddress };

export type NumberChoice = { kind: 'inventory'; phoneNumber: string } | { kind: 'new'; region: string; areaCode: string; country: 'US' | 'CA' };

/** One user of a request, validated by the API. */
export interface UserToProvision {
  /** Position in the request (0-based); with the request id it keys every reservation. */
  index: number;
  email: string;
  firstName: string;
  lastName: string;
  license: License;
  role: Role;
  costCenter?: string;
  siteId?: string;
  deskphone?: DeskphoneChoice;
  number?: NumberChoice;
  activation: Activation;
}

export interface RequestedBy {
  userId: string;
  name: string;
  role: Role;
}

export interface ProvisioningRequestInput {
  requestId: string;
  accountId: string;
  requestedBy: RequestedBy;
  users: UserToProvision[];
  /** Seats beyond the inventory, as quoted and acknowledged. */
  seatPurchases: Array<{ license: PaidLicense; seats: number }>;
  /** The account requires unique emails (recorded on each user so the database enforces it). */
  uniqueEmail: boolean;
}

export interface UserProvisioningInput {
  requestId: string;
  accountId: string;
  requestedBy: RequestedBy;
  user: UserToProvision;
  uniqueEmail: boolean;
}

export type DeskphoneResult = { kind: 'inventory'; deviceId: string } | { kind: 'order'; orderId: string; model: string };

/** What the request's result says of each user. */
export interface UserProvisioningResult {
  index: number;
  email: string;
  outcome: 'created' | 'failed';
  userId?: string;
  extension?: number;
  phoneNumber?: string;
  deskphone?: DeskphoneResult;
  /** Where activation stood when provisioning settled. */
  stage: UserProvisioningStage;
  /** The invitation workflow (send or schedule invite). */
  invitationId?: string;
  mustAddEmergencyAddress?: boolean;
  /** Why the user could not be created. */
  failure?: string;
  /** What was taken for a failed user and given back (saga compensation). */
  released?: string[];
}

export interface UserProvisioningStatus extends UserProvisioningResult {
  workflowId: string;
  stageTimes: Partial<Record<UserProvisioningStage, string>>;
  /** Why activation waits, e.g. the invitation expired unused. */
  waitingReason?: string;
}

export interface ProvisioningStatus {
  requestId: string;
  stage: ProvisioningRequestStage;
  userCount: number;
  /** Users whose provisioning has settled so far, by index. */
  users: UserProvisioningResult[];
}

/** An admin activates a user added with "activate later" (or whose invitation ended unused). */
export type LaterActivation = { option: 'send_invite' } | { option: 'assign_credentials'; credentials: AssignedCredentials; emergency?: EmergencyLocationChoice };

export const getProvisioningStatus = defineQuery<ProvisioningStatus>('getProvisioningStatus');
export const getUserProvisioningStatus = defineQuery<UserProvisioningStatus>('getUserProvisioningStatus');
/** A user's workflow tells the request's workflow that this user's provisioning has settled. */
export const userProvisioned = defineSignal<[UserProvisioningResult]>('userProvisioned');
export const activateUserAccount = defineUpdate<UserProvisioningStatus, [LaterActivation]>('activateUserAccount');

export const provisioningWorkflowId = (accountId: string, requestId: string) => `provisioning:${accountId}:${requestId}`;
export const userProvisioningWorkflowId = (accountId: string, requestId: string, index: number) => `provisioning:${accountId}:${requestId}:user-${index + 1}`;
/** Reservations (seat, number, deskphone) and the user row are keyed by request and position. */
export const reservationKey = (requestId: string, index: number) => `${requestId}:${index}`;
/** The user was deactivated: an admin added user waiting to be activated stops waiting (the invitation's signal, one definition). */
export { userDeactivated } from '../invitation/definitions';
