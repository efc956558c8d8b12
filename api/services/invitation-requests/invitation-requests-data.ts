// The invitation_requests table: an invitee's "Ask for a new invitation", and the admins'
// decision on it. A request is recorded by one statement whatever the link, and a decision is
// claimed by one conditional update, so two admins deciding at once decide once.
import type { Db } from '../../../db';
import { Conditions, pageOf, type Page, type PageRequest } from '../../../db/read-model/sql';
import type { InvitationChannel, InvitationStage } from '../../../domain/stages';

export type InvitationRequestStatus = 'pending' | 'approved' | 'dismissed';
export const invitationRequestStatuses = ['pending', 'approved', 'dismissed'] as const satisfies readonly InvitationRequestStatus[];
export type InvitationRequestOutcome = 'resent' | 'invited_again';

export interface InvitationRequestRow {
  id: string;
  account_id: string;
  invitation_id: string;
  channel: InvitationChannel;
  invitee: string;
  role: string;
  text_message: string | null;
  media_url: string | null;
  invitation_stage: InvitationStage | null;
  status: InvitationRequestStatus;
  outcome: InvitationRequestOutcome | null;
  requested_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
}

const COLUMNS = `r.id, r.account_id, r.invitation_id, i.channel, r.invitee, i.role, i.text_message, i.media_url, r.invitation_stage,
                 r.status, r.outcome, r.requested_at, r.decided_at, r.decided_by`;
const FROM = 'invitation_requests r JOIN invitations i ON i.id = r.invitation_id';
/** The same rows for paging: `requested_at` is the keyset's creation time (PostgreSQL flattens this, so the indexes serve it). */
const PAGED_FROM = `(SELECT ${COLUMNS}, r.requested_at AS created_at FROM ${FROM}) q`;

/** How many requests one link, and one address, may make in a day. */
export interface RequestQuota {
  perLinkPerDay: number;
  perAddressPerDay: number;
}

export function createInvitationRequestsData(db: Db) {
  async function one(where: string, params: unknown[]): Promise<InvitationRequestRow | undefined> {
    const { rows } = await db.query<InvitationRequestRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${where}`, params);
    return rows[0];
  }

  return {
    /**
     * Records a request for the invitation whose current link has this token hash, unless it has
     * one pending already, or the link or the address used up its quota for the day. The same one
     * statement for a token that maps to nothing: the id, or undefined, is all that comes back.
     */
    async record(tokenHash: string, quota: RequestQuota): Promise<string | undefined> {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO invitation_requests (account_id, invitation_id, token_hash, invitee)
         SELECT i.account_id, i.id, i.token_hash, coalesce(i.invitee_email, i.invitee_phone)
           FROM invitations i
          WHERE i.token_hash = $1 AND i.channel IN ('email', 'text')
            AND (SELECT count(*) FROM invitation_requests l WHERE l.token_hash = $1 AND l.requested_at > now() - interval '1 day') < $2
            AND (SELECT count(*) FROM invitation_requests a
                  WHERE a.invitee = coalesce(i.invitee_email, i.invitee_phone) AND a.requested_at > now() - interval '1 day') < $3
         ON CONFLICT (invitation_id) WHERE status = 'pending' DO NOTHING
         RETURNING id`,
        [tokenHash, quota.perLinkPerDay, quota.perAddressPerDay],
      );
      return rows[0]?.id;
    },

    byId: (id: string, accountId?: string) =>
      accountId ? one('r.id = $1 AND r.account_id = $2', [id, accountId]) : one('r.id = $1', [id]),

    /**
     * A page of the account's requests, newest first, by the read model's keyset paging over
     * (requested_at, id): rows asked for while an admin pages are newer than any cursor, so none is
     * shown twice or skipped.
     */
    list(accountId: string, filter: { status?: InvitationRequestStatus }, page: PageRequest): Promise<Page<InvitationRequestRow & { keyset_created_at: string }>> {
      const where = new Conditions();
      where.add(`q.account_id = ${where.param(accountId)}`);
      where.anyOf('q.status', filter.status ? [filter.status] : undefined);
      return pageOf(db, where, { alias: 'q', from: PAGED_FROM, columns: 'q.*' }, page);
    },

    /** Requests whose follow-up has not started this long after they were asked (the API died in between): the relay's work. */
    async notFollowedUp(olderThanMs: number, limit: number): Promise<string[]> {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM invitation_requests
          WHERE follow_up_started_at IS NULL AND requested_at < now() - make_interval(secs => $1)
          ORDER BY requested_at LIMIT $2`,
        [olderThanMs / 1000, limit],
      );
      return rows.map((r) => r.id);
    },

    /** Its workflow has started: nothing is left for the relay. */
    async followUpStarted(id: string): Promise<void> {
      await db.query(`UPDATE invitation_requests SET follow_up_started_at = now() WHERE id = $1 AND follow_up_started_at IS NULL`, [id]);
    },

    /** Where the invitation stood when the request was checked. */
    async recordStage(id: string, stage: InvitationStage | null): Promise<void> {
      await db.query(`UPDATE invitation_requests SET invitation_stage = $2 WHERE id = $1`, [id, stage]);
    },

    /** A request for a link that still works, or was used: not a request at all. */
    async drop(id: string): Promise<void> {
      await db.query(`DELETE FROM invitation_requests WHERE id = $1 AND status = 'pending'`, [id]);
    },

    /** Decides a pending request; false when it was not pending (decided meanwhile, or gone). */
    async decide(id: string, accountId: string, status: 'approved' | 'dismissed', decidedBy: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE invitation_requests SET status = $3, decided_by = $4, decided_at = now()
          WHERE id = $1 AND account_id = $2 AND status = 'pending'`,
        [id, accountId, status, decidedBy],
      );
      return rowCount === 1;
    },

    /**
     * An approval that could not be carried out is pending again; unless the invitee asked again
     * meanwhile, when the newer request stands for both and this one is dismissed.
     */
    async undecide(id: string): Promise<void> {
      await db.query(
        `UPDATE invitation_requests r
            SET (status, decided_by, decided_at) = (
                  SELECT CASE WHEN newer THEN 'dismissed' ELSE 'pending' END, CASE WHEN newer THEN r.decided_by END, CASE WHEN newer THEN r.decided_at END
                    FROM (SELECT EXISTS (SELECT 1 FROM invitation_requests p WHERE p.invitation_id = r.invitation_id AND p.status = 'pending') AS newer) n)
          WHERE r.id = $1 AND r.status = 'approved' AND r.outcome IS NULL`,
        [id],
      );
    },

    async recordOutcome(id: string, outcome: InvitationRequestOutcome): Promise<void> {
      await db.query(`UPDATE invitation_requests SET outcome = $2 WHERE id = $1`, [id, outcome]);
    },
  };
}
export type InvitationRequestsData = ReturnType<typeof createInvitationRequestsData>;
