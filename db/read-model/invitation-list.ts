// Invitations as the read model lists them: filtered, paged newest first, counted by stage. Used by
// the API's lists; written so that anything else that must walk "the invitations matching a filter"
// (bulk actions, batches) pages through the same query.
import type { InvitationChannel, InvitationStage } from '../../domain/stages';
import type { InviteeType } from '../../domain/invitee-type';
import type { License } from '../../domain/licenses';
import type { Role } from '../../domain/roles';
import { Conditions, tableList, type ListedRow, type StagedRow } from './sql';
import type { Queryable } from './stage-writes';

export interface InvitationFilter {
  stages?: InvitationStage[];
  channels?: InvitationChannel[];
  /** Exact address (lower case, as stored). */
  email?: string;
  emailPrefix?: string;
  /** Exact number (E.164, as stored). */
  phone?: string;
  phonePrefix?: string;
  roles?: Role[];
  licenses?: License[];
  /** The inviter's user id. */
  invitedBy?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** Awaiting signup, with a link that expires within this many milliseconds from now. */
  expiringWithinMs?: number;
  /** Only these invitations (ids are also their workflow ids). */
  ids?: string[];
}

export interface InvitationListRow extends ListedRow, StagedRow<InvitationStage> {
  channel: InvitationChannel;
  invitee_email: string | null;
  invitee_phone: string | null;
  invitee_type: InviteeType | null;
  role: Role;
  license: License | null;
  invited_by: string;
  invited_by_name: string | null;
  expires_at: Date | null;
  delivery_failure: string | null;
  user_id: string | null;
}

/** What the filter adds to the account's rows (tableList scopes them to the account). */
function filtered(where: Conditions, f: InvitationFilter): void {
  where.anyOf('i.stage', f.stages).anyOf('i.channel', f.channels).anyOf('i.role', f.roles).anyOf('i.license', f.licenses).anyOf('i.id', f.ids);
  where.matches('i.invitee_email', f.email, f.emailPrefix);
  where.matches('i.invitee_phone', f.phone, f.phonePrefix);
  where.equals('i.invited_by', f.invitedBy);
  where.createdBetween('i.created_at', f.createdAfter, f.createdBefore);
  if (f.expiringWithinMs !== undefined) {
    where.add(`i.stage = 'awaiting_signup'`);
    where.add(`i.expires_at > now() AND i.expires_at <= now() + make_interval(secs => ${where.param(f.expiringWithinMs / 1000)})`);
  }
}

const COLUMNS = `i.id, i.channel, i.invitee_email, i.invitee_phone, i.invitee_type, i.role, i.license, i.invited_by,
  i.stage, i.stage_since, i.expires_at, i.delivery_failure, i.user_id, i.created_at`;

/** The inviter's name, for the page's rows only. */
const INVITER = `(SELECT nullif(trim(u.first_name || ' ' || u.last_name), '') FROM users u WHERE u.id = p.invited_by) AS invited_by_name`;

/** `page`: the account's invitations matching the filter, newest first; `countByStage`: how many stand in each stage. */
export function createInvitationList(db: Queryable) {
  return tableList<InvitationFilter, InvitationListRow, InvitationStage>(db, { alias: 'i', from: 'invitations i', columns: COLUMNS, extra: INVITER, stageColumn: 'i.stage' }, filtered);
}
export type InvitationList = ReturnType<typeof createInvitationList>;
