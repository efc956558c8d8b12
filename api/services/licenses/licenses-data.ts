// License seats: the license_inventory an account owns, the seats its people hold, and seat
// purchases with the quote each one used.
import type { Db } from '../../../db';
import { inTransaction } from '../../../db';
import type { PaidLicense } from '../../../domain/licenses';
import type { PriceList, QuoteItem } from '../../../domain/provisioning-requests';

export interface InventoryLine {
  license: PaidLicense;
  seatsTotal: number;
  seatsUsed: number;
}

/** A quote as a purchase finds it, locked until the purchase is recorded. */
export interface LockedSeatQuote {
  fingerprint: string;
  items: QuoteItem[];
  expired: boolean;
  used_by: string | null;
}

export interface SeatPurchase {
  purchaseId: string;
  accountId: string;
  license: PaidLicense;
  seats: number;
  quoteId: string;
  totalCents: number;
  purchasedBy: string;
}

export interface SeatPurchaseChecks {
  /** Throws to refuse the quote (undefined: no such quote in this account). */
  acceptQuote(quote: LockedSeatQuote | undefined): Promise<void>;
  /** Throws when the account would hold more than its ceiling; `accountLimit` is its own, if set. */
  withinLimit(accountLimit: number | null, seatsTotal: number): void;
}

export function createLicensesData(db: Db) {
  return {
    /** Seats owned and in use per paid license (a released reservation no longer counts). */
    async seats(accountId: string): Promise<InventoryLine[]> {
      const { rows } = await db.query<InventoryLine>(
        `SELECT l.license, coalesce(i.seats_total, 0) AS "seatsTotal",
                (SELECT count(*)::int FROM license_assignments a WHERE a.account_id = $1 AND a.license = l.license AND a.released_at IS NULL) AS "seatsUsed"
           FROM (VALUES ('ringex'), ('video_pro_plus')) AS l(license)
           LEFT JOIN license_inventory i ON i.account_id = $1 AND i.license = l.license
          ORDER BY l.license`,
        [accountId],
      );
      return rows;
    },

    /** The invitations waiting in line for a seat of the account, longest waiter first. */
    async seatWaiters(accountId: string): Promise<string[]> {
      const { rows } = await db.query<{ reservation_key: string }>(
        `SELECT reservation_key FROM license_seat_waiters WHERE account_id = $1 ORDER BY waiting_since, reservation_key`,
        [accountId],
      );
      return rows.map((r) => r.reservation_key);
    },

    /** An invitation that ended while waiting (e.g. terminated) leaves the line, so it holds no one up. */
    async leaveSeatLine(reservationKey: string): Promise<void> {
      await db.query(`DELETE FROM license_seat_waiters WHERE reservation_key = $1`, [reservationKey]);
    },

    /** The seats of a license the account owns, and its own ceiling if support set one. */
    async holding(accountId: string, license: PaidLicense): Promise<{ seatsTotal: number; accountLimit: number | null }> {
      const { rows } = await db.query<{ seats_total: number; seat_limit: number | null }>(
        `SELECT coalesce(i.seats_total, 0) AS seats_total, a.seat_limit
           FROM accounts a LEFT JOIN license_inventory i ON i.account_id = a.id AND i.license = $2
          WHERE a.id = $1`,
        [accountId, license],
      );
      return { seatsTotal: rows[0]?.seats_total ?? 0, accountLimit: rows[0]?.seat_limit ?? null };
    },

    async insertQuote(q: { accountId: string; createdBy: string; fingerprint: string; price: PriceList; lifetimeMinutes: number }): Promise<{ id: string; expiresAt: Date }> {
      const { rows } = await db.query<{ id: string; expires_at: Date }>(
        `INSERT INTO provisioning_quotes (account_id, created_by, fingerprint, items, total_cents, currency, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(mins => $7)) RETURNING id, expires_at`,
        [q.accountId, q.createdBy, q.fingerprint, JSON.stringify(q.price.items), q.price.totalCents, q.price.currency, q.lifetimeMinutes],
      );
      return { id: rows[0]!.id, expiresAt: rows[0]!.expires_at };
    },

    /**
     * Buys the seats in one transaction: the quote is locked and checked, the inventory row locked
     * and the ceiling checked, then the seats are added, the purchase recorded and the quote used.
     * A check that throws buys nothing.
     */
    async purchase(p: SeatPurchase, checks: SeatPurchaseChecks): Promise<void> {
      await inTransaction(db, async (tx) => {
        const { rows: quotes } = await tx.query<LockedSeatQuote>(
          `SELECT fingerprint, items, expires_at < now() AS expired, used_by FROM provisioning_quotes WHERE id = $1 AND account_id = $2 FOR UPDATE`,
          [p.quoteId, p.accountId],
        );
        await checks.acceptQuote(quotes[0]);
        await tx.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`, [p.accountId, p.license]);
        const { rows: held } = await tx.query<{ seats_total: number; seat_limit: number | null }>(
          `SELECT i.seats_total, a.seat_limit FROM license_inventory i JOIN accounts a ON a.id = i.account_id
            WHERE i.account_id = $1 AND i.license = $2 FOR UPDATE OF i`,
          [p.accountId, p.license],
        );
        checks.withinLimit(held[0]!.seat_limit, held[0]!.seats_total + p.seats);
        await tx.query(`UPDATE license_inventory SET seats_total = seats_total + $3 WHERE account_id = $1 AND license = $2`, [p.accountId, p.license, p.seats]);
        await tx.query(
          `INSERT INTO seat_purchases (id, account_id, license, seats, quote_id, total_cents, purchased_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [p.purchaseId, p.accountId, p.license, p.seats, p.quoteId, p.totalCents, p.purchasedBy],
        );
        await tx.query(`UPDATE provisioning_quotes SET used_by = $2 WHERE id = $1`, [p.quoteId, p.purchaseId]);
      });
    },
  };
}
export type LicensesData = ReturnType<typeof createLicensesData>;
