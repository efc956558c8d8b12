// What an admin can give the users they add: free seats, deskphones and numbers in the account's
// inventory, the deskphone catalogue to buy from, emergency response locations and sites.
import type { Db } from '../../db';
import { deskphoneCatalogue } from '../../domain/catalogue';
import { problems } from '../problems';
import type { Caller } from './credentials';

export function createInventoryService({ db }: { db: Db }) {
  return {
    async forAddingUsers(caller: Caller) {
      if (caller.role === 'user') throw problems.forbidden('Only admins can add users.');
      const a = caller.accountId;
      const [seats, deskphones, numbers, locations, sites] = await Promise.all([
        db.query<{ license: string; seatsTotal: number; seatsUsed: number }>(
          `SELECT l.license, coalesce(i.seats_total, 0) AS "seatsTotal",
                  (SELECT count(*)::int FROM license_assignments x WHERE x.account_id = $1 AND x.license = l.license AND x.released_at IS NULL) AS "seatsUsed"
             FROM (VALUES ('ringex'), ('video_pro_plus')) AS l(license) LEFT JOIN license_inventory i ON i.account_id = $1 AND i.license = l.license ORDER BY 1`,
          [a],
        ),
        db.query<{ id: string; model: string }>(`SELECT id, model FROM deskphone_inventory WHERE account_id = $1 AND reservation_key IS NULL AND user_id IS NULL ORDER BY id`, [a]),
        db.query<{ phoneNumber: string; region: string | null; areaCode: string | null }>(
          `SELECT number AS "phoneNumber", region, area_code AS "areaCode" FROM phone_numbers WHERE account_id = $1 AND status = 'available' ORDER BY number`,
          [a],
        ),
        db.query<{ id: string; nickname: string }>(`SELECT id, nickname FROM emergency_response_locations WHERE account_id = $1 ORDER BY nickname`, [a]),
        db.query<{ id: string; name: string }>(`SELECT id, name FROM account_sites WHERE account_id = $1 ORDER BY name`, [a]),
      ]);
      return {
        seats: seats.rows.map((s) => ({ ...s, seatsFree: Math.max(0, s.seatsTotal - s.seatsUsed) })),
        deskphones: deskphones.rows,
        phoneNumbers: numbers.rows,
        deskphoneCatalogue: [...deskphoneCatalogue],
        emergencyResponseLocations: locations.rows,
        sites: sites.rows,
      };
    },
  };
}
export type InventoryService = ReturnType<typeof createInventoryService>;
