// What an admin can give the users they add: free seats, deskphones and numbers in the account's
// inventory, the deskphone catalogue to buy from, emergency response locations and sites.
import type { Db } from '../../db';
import { deskphoneCatalogue } from '../../domain/catalogue';
import { problems } from '../problems';
import { seatInventory } from './licenses';
import type { Caller } from './credentials';

export function createInventoryService({ db }: { db: Db }) {
  return {
    async forProvisioningRequests(caller: Caller) {
      if (caller.role === 'user') throw problems.forbidden('Only admins can add users.');
      const a = caller.accountId;
      const [seats, deskphones, numbers, locations, sites] = await Promise.all([
        seatInventory(db, a),
        db.query<{ id: string; model: string }>(`SELECT id, model FROM deskphone_inventory WHERE account_id = $1 AND reservation_key IS NULL AND user_id IS NULL ORDER BY id`, [a]),
        db.query<{ phoneNumber: string; region: string | null; areaCode: string | null }>(
          `SELECT number AS "phoneNumber", region, area_code AS "areaCode" FROM phone_numbers WHERE account_id = $1 AND status = 'available' ORDER BY number`,
          [a],
        ),
        db.query<{ id: string; nickname: string }>(`SELECT id, nickname FROM emergency_response_locations WHERE account_id = $1 ORDER BY nickname`, [a]),
        db.query<{ id: string; name: string }>(`SELECT id, name FROM account_sites WHERE account_id = $1 ORDER BY name`, [a]),
      ]);
      return {
        seats: seats.map((s) => ({ ...s, seatsFree: Math.max(0, s.seatsTotal - s.seatsUsed) })),
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
