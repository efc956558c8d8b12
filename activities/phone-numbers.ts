// Phone numbers for added users: one from the account's inventory, or a new one searched and
// bought from the carrier through the `twilio` library (available-numbers search, then
// incoming-number purchase). Every step is keyed by the provisioning step, so a retry or a worker
// that died mid-purchase never buys a second number: the number is claimed in the database
// (status `purchasing`) before it is bought, and a retry first asks the carrier whether the
// account already owns it.
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from './dependencies';
import { inTransaction } from '../db';
import { failureTypes } from '../domain/failures';
import { isTwilioRefusal } from './twilio-client';

interface NumberRow {
  number: string;
  status: string;
  carrier_sid: string | null;
  bought_for: string | null;
}

export function createPhoneNumberActivities({ db, carrier }: Pick<ActivityDependencies, 'db' | 'carrier'>) {
  const numbers = carrier.client;

  /** The number bought for this step if the carrier says the account owns it (after a purchase whose answer was lost). */
  async function ownedSid(phoneNumber: string): Promise<string | undefined> {
    const owned = await numbers.incomingPhoneNumbers.list({ phoneNumber, limit: 1 });
    return owned.find((n) => n.phoneNumber === phoneNumber)?.sid;
  }

  /** `retry`: an earlier attempt claimed this number and may have bought it; ask before buying. */
  async function buy(reservationKey: string, phoneNumber: string, retry: boolean): Promise<{ phoneNumber: string }> {
    let sid = retry ? await ownedSid(phoneNumber) : undefined;
    if (!sid) {
      try {
        sid = (await numbers.incomingPhoneNumbers.create({ phoneNumber })).sid;
      } catch (err) {
        if (!isTwilioRefusal(err)) throw err; // transient: retried with backoff
        // Refused for good: let the number go, so it is not held for nothing.
        await db.query(`DELETE FROM phone_numbers WHERE number = $1 AND reservation_key = $2 AND status = 'purchasing'`, [phoneNumber, reservationKey]);
        throw ApplicationFailure.create({
          type: failureTypes.numberPurchaseRefused,
          nonRetryable: true,
          message: `The carrier refused to sell ${phoneNumber}: ${err.message}${err.code ? ` (code ${err.code})` : ''}`,
        });
      }
    }
    await db.query(`UPDATE phone_numbers SET status = 'reserved', carrier_sid = $2 WHERE number = $1`, [phoneNumber, sid]);
    return { phoneNumber };
  }

  return {
    /** Takes a number from the account's inventory for this step. */
    async reservePhoneNumber({ reservationKey, accountId, phoneNumber }: { reservationKey: string; accountId: string; phoneNumber: string }): Promise<{ phoneNumber: string }> {
      const { rowCount } = await db.query(
        `UPDATE phone_numbers SET status = 'reserved', reservation_key = $1
          WHERE number = $2 AND account_id = $3 AND (status = 'available' OR reservation_key = $1)`,
        [reservationKey, phoneNumber, accountId],
      );
      if (!rowCount) throw ApplicationFailure.create({ type: failureTypes.numberUnavailable, nonRetryable: true, message: `${phoneNumber} is no longer available in the number inventory` });
      return { phoneNumber };
    },

    /** Searches the carrier for a number in the area code and buys one; idempotent per step. */
    async purchasePhoneNumber(r: { reservationKey: string; accountId: string; country: 'US' | 'CA'; region: string; areaCode: string }): Promise<{ phoneNumber: string }> {
      const { rows: mine } = await db.query<NumberRow>(`SELECT number, status, carrier_sid, bought_for FROM phone_numbers WHERE reservation_key = $1`, [r.reservationKey]);
      if (mine[0]?.status === 'reserved') return { phoneNumber: mine[0].number };
      if (mine[0]?.status === 'purchasing') return buy(r.reservationKey, mine[0].number, true);

      const found = await numbers.availablePhoneNumbers(r.country).local.list({ areaCode: Number(r.areaCode), inRegion: r.region, limit: 20 });
      // Claim one no other step holds (two users buying in one area code at once get different numbers).
      for (const candidate of found) {
        if (!candidate.phoneNumber) continue;
        const { rowCount } = await db.query(
          `INSERT INTO phone_numbers (number, account_id, region, area_code, status, reservation_key, bought_for)
           VALUES ($1, $2, $3, $4, 'purchasing', $5, $5) ON CONFLICT (number) DO NOTHING`,
          [candidate.phoneNumber, r.accountId, r.region, r.areaCode, r.reservationKey],
        );
        if (rowCount) return buy(r.reservationKey, candidate.phoneNumber, false);
      }
      throw ApplicationFailure.create({
        type: failureTypes.numberUnavailable,
        nonRetryable: true,
        message: `No new number is available in area code ${r.areaCode} (${r.region})`,
      });
    },

    /** Compensation: an inventory number goes back to the inventory; a bought one goes back to the carrier. */
    async releasePhoneNumber({ reservationKey }: { reservationKey: string }): Promise<{ released?: string }> {
      const { rows } = await db.query<NumberRow>(`SELECT number, status, carrier_sid, bought_for FROM phone_numbers WHERE reservation_key = $1`, [reservationKey]);
      const row = rows[0];
      if (!row) return {};
      if (row.bought_for !== reservationKey) {
        await db.query(`UPDATE phone_numbers SET status = 'available', reservation_key = NULL, user_id = NULL WHERE number = $1`, [row.number]);
        return { released: row.number };
      }
      const sid = row.carrier_sid ?? (await ownedSid(row.number));
      if (sid) {
        try {
          await numbers.incomingPhoneNumbers(sid).remove();
        } catch (err) {
          if ((err as { status?: number }).status !== 404) throw err; // already gone is fine
        }
      }
      await inTransaction(db, (tx) => tx.query(`UPDATE phone_numbers SET status = 'released', reservation_key = NULL, user_id = NULL WHERE number = $1`, [row.number]));
      return { released: row.number };
    },
  };
}
