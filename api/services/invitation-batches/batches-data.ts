// The invitation_batches and invitation_batch_rows tables as the API reads and writes them: a
// batch and all its rows recorded in one transaction (one multi-row INSERT of the rows), its
// totals and its rows page by page (delivery read from the outbox: the row's first message), and
// what checking a batch needs from the account.
import type { Db } from '../../../db';
import { BATCH_COLUMNS, recordBatch, type BatchRecord, type RowToRecord } from '../../../db/invitation-batches';
import { createInvitationList, type InvitationFilter } from '../../../db/read-model';
import type { BatchRowOutcome } from '../../../domain/invitation-batches';
import type { PaidLicense } from '../../../domain/licenses';
import type { AccountRow } from '../accounts/accounts-data';

/** The account as inviting knows it (accounts-data.ts), with the zone a batch's send times are read in. */
export type BatchAccount = Omit<AccountRow, 'invitation_lifetime_seconds'> & { time_zone: string };

export type { BatchRecord, RowToRecord } from '../../../db/invitation-batches';

export interface BatchTotals {
  accepted: number;
  pending: number;
  started: number;
  scheduled: number;
  sent: number;
  failed: number;
  alreadyInvited: number;
  alreadyAUser: number;
  cancelled: number;
  revoked: number;
  done: number;
  skipped: number;
}

export interface BatchRowView {
  line: number;
  channel: string | null;
  invitee: string | null;
  role: string | null;
  license: string | null;
  locale: string | null;
  sendAt: string | null;
  invitationId: string;
  outcome: BatchRowOutcome;
  detail: string | null;
  /** The row's first message: sent, failed (refused for good) or pending; null when the row started none. */
  delivery: 'sent' | 'failed' | 'pending' | null;
  sentAt: string | null;
}

export interface SeatLine {
  license: PaidLicense;
  /** Owned and not held by anyone. */
  free: number;
  /** Invitations already waiting in line for one. */
  waiting: number;
}


/** The row's first message, by its outbox key. */
const DELIVERY_JOIN = `LEFT JOIN message_outbox o ON r.token_generation IS NOT NULL AND o.key = r.invitation_id || '/invite/' || r.token_generation`;

/** An invitation a bulk action may name: who sent it (users act only on their own) and how it reaches its invitee. */
export interface ActionableInvitation {
  channel: 'email' | 'text' | 'link';
  email: string | null;
  phone: string | null;
  invited_by: string;
}

export function createBatchesData(db: Db) {
  // The invitation list's own query (db/read-model): a bulk action's filter selects exactly the
  // rows the list shows under the same filter.
  const invitationList = createInvitationList(db);
  return {
    async account(accountId: string): Promise<BatchAccount | undefined> {
      const { rows } = await db.query<BatchAccount>(
        `SELECT id, name, company_domains, plan, country, locale, time_zone, users_may_invite FROM accounts WHERE id = $1`,
        [accountId],
      );
      return rows[0];
    },

    /** Which of these addresses already belong to the account's active users. */
    async activeUsers(accountId: string, emails: string[]): Promise<Set<string>> {
      const { rows } = await db.query<{ email: string }>(
        `SELECT lower(email) AS email FROM users WHERE account_id = $1 AND lower(email) = ANY($2) AND status = 'active'`,
        [accountId, emails],
      );
      return new Set(rows.map((r) => r.email));
    },

    /** Free seats of each paid license and how many invitations already wait for one. */
    async seats(accountId: string): Promise<SeatLine[]> {
      const { rows } = await db.query<SeatLine>(
        `SELECT l.license,
                coalesce(i.seats_total, 0) - (SELECT count(*)::int FROM license_assignments a WHERE a.account_id = $1 AND a.license = l.license AND a.released_at IS NULL) AS free,
                (SELECT count(*)::int FROM license_seat_waiters w WHERE w.account_id = $1 AND w.license = l.license) AS waiting
           FROM (VALUES ('ringex'), ('video_pro_plus')) AS l(license)
           LEFT JOIN license_inventory i ON i.account_id = $1 AND i.license = l.license
          ORDER BY l.license`,
        [accountId],
      );
      return rows;
    },

    /** The account's invitations among these ids, with who sent each (users may act only on their own). */
    async invitations(accountId: string, ids: string[]): Promise<Map<string, ActionableInvitation>> {
      const { rows } = await db.query<ActionableInvitation & { id: string }>(
        `SELECT id, channel, invitee_email AS email, invitee_phone AS phone, invited_by FROM invitations WHERE account_id = $1 AND id = ANY($2)`,
        [accountId, ids],
      );
      return new Map(rows.map(({ id, ...r }) => [id, r]));
    },

    /**
     * The account's invitations matching a list filter, newest first, up to `max`; `total` counts
     * them all (only counted when there are more than `max`, to say how many).
     */
    async matching(accountId: string, filter: InvitationFilter, max: number): Promise<{ invitations: Array<[string, ActionableInvitation]>; total: number }> {
      const { rows, next } = await invitationList.page(accountId, filter, { limit: max });
      const invitations = rows.map((r): [string, ActionableInvitation] => [r.id, { channel: r.channel, email: r.invitee_email, phone: r.invitee_phone, invited_by: r.invited_by }]);
      if (!next) return { invitations, total: rows.length };
      const counts = await invitationList.countByStage(accountId, filter);
      return { invitations, total: [...counts.values()].reduce((a, b) => a + b, 0) };
    },

    /** Records the batch and all its rows in one transaction (db/invitation-batches.ts, shared with the stalled-activations sweep). */
    insert: (b: Omit<BatchRecord, 'status' | 'created_at' | 'ended_at'>, rows: RowToRecord[]) => recordBatch(db, b, rows),

    async byId(accountId: string, batchId: string): Promise<BatchRecord | undefined> {
      const { rows } = await db.query<BatchRecord>(`SELECT ${BATCH_COLUMNS} FROM invitation_batches WHERE id = $1 AND account_id = $2`, [batchId, accountId]);
      return rows[0];
    },

    async totals(batchId: string): Promise<BatchTotals> {
      const { rows } = await db.query<BatchTotals>(
        `SELECT count(*)::int AS accepted,
                count(*) FILTER (WHERE r.outcome IN ('pending', 'starting'))::int AS pending,
                count(*) FILTER (WHERE r.outcome = 'started')::int AS started,
                count(*) FILTER (WHERE r.outcome = 'started' AND r.send_at > now() AND o.status IS DISTINCT FROM 'sent' AND o.status IS DISTINCT FROM 'failed')::int AS scheduled,
                count(*) FILTER (WHERE o.status = 'sent')::int AS sent,
                count(*) FILTER (WHERE r.outcome = 'failed' OR o.status = 'failed')::int AS failed,
                count(*) FILTER (WHERE r.outcome = 'already_invited')::int AS "alreadyInvited",
                count(*) FILTER (WHERE r.outcome = 'already_user')::int AS "alreadyAUser",
                count(*) FILTER (WHERE r.outcome = 'cancelled')::int AS cancelled,
                count(*) FILTER (WHERE r.outcome = 'revoked')::int AS revoked,
                count(*) FILTER (WHERE r.outcome = 'done')::int AS done,
                count(*) FILTER (WHERE r.outcome = 'skipped')::int AS skipped
           FROM invitation_batch_rows r ${DELIVERY_JOIN} WHERE r.batch_id = $1`,
        [batchId],
      );
      return rows[0]!;
    },

    /** Rows after line `after`, in line order; `outcome` narrows them. */
    async rows(batchId: string, page: { after: number; limit: number; outcome?: BatchRowOutcome }): Promise<BatchRowView[]> {
      const { rows } = await db.query<BatchRowView>(
        `SELECT r.line, r.channel, coalesce(r.email, r.phone) AS invitee, r.role, r.license, r.locale,
                to_char(r.send_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "sendAt", r.invitation_id AS "invitationId", r.outcome, r.detail,
                CASE WHEN r.outcome = 'started' THEN coalesce(o.status, 'pending') ELSE o.status END AS delivery,
                to_char(o.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "sentAt"
           FROM invitation_batch_rows r ${DELIVERY_JOIN}
          WHERE r.batch_id = $1 AND r.line > $2 AND ($4::text IS NULL OR r.outcome = $4)
          ORDER BY r.line LIMIT $3`,
        [batchId, page.after, page.limit, page.outcome ?? null],
      );
      return rows;
    },
  };
}
export type BatchesData = ReturnType<typeof createBatchesData>;
