// The account's users as the read model lists them: their onboarding stage (their provisioning
// workflow's if an admin added them, else their invitation's), license, number and deskphone.
import type { License } from '../../domain/licenses';
import type { Role } from '../../domain/roles';
import type { OnboardingStage } from '../../domain/stage-records';
import type { OffboardingStage, UserStatus } from '../../domain/stages';
import { Conditions, tableList, type ListedRow } from './sql';
import type { Queryable } from './stage-writes';

export interface UserFilter {
  stages?: OnboardingStage[];
  statuses?: UserStatus[];
  licenses?: License[];
  roles?: Role[];
  /** Exact address, compared in lower case. */
  email?: string;
  emailPrefix?: string;
  /** The user's number (E.164). */
  phoneNumber?: string;
  phoneNumberPrefix?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  ids?: string[];
}

export interface UserListRow extends ListedRow {
  email: string;
  first_name: string;
  last_name: string;
  role: Role;
  user_type: string;
  license: License;
  status: UserStatus;
  extension: number | null;
  phone_number: string | null;
  deskphone_id: string | null;
  deskphone_order_id: string | null;
  onboarding_stage: OnboardingStage | null;
  onboarding_stage_since: Date | null;
  onboarding_workflow_id: string | null;
  provisioning_workflow_id: string | null;
  offboarding_stage: OffboardingStage | null;
  offboarding_stage_since: Date | null;
  offboarding_workflow_id: string | null;
  activated_at: Date | null;
}

/** What the filter adds to the account's rows (tableList scopes them to the account). */
function filtered(where: Conditions, f: UserFilter): void {
  where.anyOf('u.onboarding_stage', f.stages).anyOf('u.status', f.statuses).anyOf('u.license', f.licenses).anyOf('u.role', f.roles).anyOf('u.id', f.ids);
  where.matches('lower(u.email)', f.email?.toLowerCase(), f.emailPrefix?.toLowerCase());
  where.matches('u.phone_number', f.phoneNumber, f.phoneNumberPrefix);
  where.createdBetween('u.created_at', f.createdAfter, f.createdBefore);
}

const COLUMNS = `u.id, u.email, u.first_name, u.last_name, u.role, u.user_type, u.license, u.status, u.extension, u.phone_number,
  u.onboarding_stage, u.onboarding_stage_since, u.onboarding_workflow_id, u.provisioning_workflow_id, u.created_at, u.activated_at,
  u.offboarding_stage, u.offboarding_stage_since, u.offboarding_workflow_id`;

/** The deskphone: from the inventory, or on order; for the page's rows only. */
const DESKPHONE = `(SELECT d.id FROM deskphone_inventory d WHERE d.user_id = p.id LIMIT 1) AS deskphone_id,
  (SELECT o.id FROM deskphone_orders o WHERE o.user_id = p.id AND o.status = 'placed' LIMIT 1) AS deskphone_order_id`;

/** `page`: the account's users matching the filter, newest first; `countByStage`: how many stand in each onboarding stage. */
export function createUserList(db: Queryable) {
  return tableList<UserFilter, UserListRow, OnboardingStage>(db, { alias: 'u', from: 'users u', columns: COLUMNS, extra: DESKPHONE, stageColumn: 'u.onboarding_stage' }, filtered);
}
export type UserList = ReturnType<typeof createUserList>;
