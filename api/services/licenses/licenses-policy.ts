// Who may buy seats: admins with purchasing permission.
import { problems } from '../../problems';
import type { Caller } from '../credentials';

export function assertMayBuySeats(caller: Caller): void {
  if (caller.role === 'user' || !caller.canPurchase) {
    throw problems.forbidden('Buying licenses needs an admin with purchasing permission. Please contact your company billing admin.');
  }
}
