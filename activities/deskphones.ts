// Deskphones for added users: one from the account's inventory, or an order for a catalogue model
// shipped to an address. Keyed by the provisioning step: a retry or replay never places a second
// order, and compensation cancels the order or hands the inventory phone back.
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from './dependencies';
import type { PostalAddress } from '../domain/postal-address';
import { failureTypes } from '../domain/failures';

export function createDeskphoneActivities({ db }: Pick<ActivityDependencies, 'db'>) {
  return {
    async reserveDeskphone({ reservationKey, accountId, deviceId }: { reservationKey: string; accountId: string; deviceId: string }): Promise<{ deviceId: string }> {
      const { rowCount } = await db.query(
        `UPDATE deskphone_inventory SET reservation_key = $1
          WHERE id = $2 AND account_id = $3 AND (reservation_key IS NULL OR reservation_key = $1)`,
        [reservationKey, deviceId, accountId],
      );
      if (!rowCount) throw ApplicationFailure.create({ type: failureTypes.deskphoneUnavailable, nonRetryable: true, message: `Deskphone ${deviceId} is no longer available in the inventory` });
      return { deviceId };
    },

    async orderDeskphone(r: { reservationKey: string; accountId: string; model: string; priceCents: number; shipTo: PostalAddress }): Promise<{ orderId: string }> {
      // The conflict target makes the insert and the "already ordered" read one statement.
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO deskphone_orders (reservation_key, account_id, model, price_cents, ship_to) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (reservation_key) DO UPDATE SET reservation_key = EXCLUDED.reservation_key RETURNING id`,
        [r.reservationKey, r.accountId, r.model, r.priceCents, JSON.stringify(r.shipTo)],
      );
      return { orderId: rows[0]!.id };
    },

    /** Compensation: cancels this step's order, or hands its inventory phone back. A no-op when it took neither. */
    async releaseDeskphone({ reservationKey }: { reservationKey: string }): Promise<{ released?: string }> {
      const { rows: cancelled } = await db.query<{ id: string; model: string }>(
        `UPDATE deskphone_orders SET status = 'cancelled', cancelled_at = now() WHERE reservation_key = $1 AND status = 'placed' RETURNING id, model`,
        [reservationKey],
      );
      if (cancelled[0]) return { released: `deskphone order ${cancelled[0].id} (${cancelled[0].model}) cancelled` };
      const { rows: returned } = await db.query<{ id: string }>(
        `UPDATE deskphone_inventory SET reservation_key = NULL, user_id = NULL WHERE reservation_key = $1 RETURNING id`,
        [reservationKey],
      );
      return returned[0] ? { released: `deskphone ${returned[0].id} back in inventory` } : {};
    },
  };
}
