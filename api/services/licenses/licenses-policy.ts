// Who may buy seats (admins with purchasing permission), and how many: per purchase, and per
// account and license (the account's own ceiling when support set one, else the deployment's).
import { licenseNames, type PaidLicense } from '../../../domain/licenses';
import { problems } from '../../problems';
import type { Caller } from '../credentials';

export interface SeatLimits {
  /** Seats one purchase may buy (SEATS_PER_PURCHASE_MAX). */
  perPurchase: number;
  /** Seats of one license an account may hold unless it has its own `seat_limit` (SEATS_PER_ACCOUNT_MAX). */
  perAccount: number;
}

export function assertMayBuySeats(caller: Caller): void {
  if (caller.role === 'user' || !caller.canPurchase) {
    throw problems.forbidden('Buying licenses needs an admin with purchasing permission. Please contact your company billing admin.');
  }
}

/** 409 `seat-limit-reached`, saying how many more it may buy and how to raise the ceiling. */
export function assertWithinSeatLimit(limits: SeatLimits, license: PaidLicense, accountLimit: number | null, seatsAfter: number, seatsBought: number): void {
  const limit = accountLimit ?? limits.perAccount;
  if (seatsAfter > limit) throw problems.seatLimitReached(licenseNames[license], limit, seatsAfter - seatsBought);
}
