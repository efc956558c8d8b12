// Who may add users, give which roles and licenses, buy, and see requests.
import type { NewUserInput, PriceList } from '../../../domain/provisioning-requests';
import { problems } from '../../problems';
import type { Caller } from '../credentials';

/** Admins add users; giving the Super Admin role or a Video Pro+ license takes a Super Admin. */
export function assertMayAddUsers(caller: Caller, users: Array<Pick<NewUserInput, 'role' | 'userType'>>): void {
  if (caller.role === 'user') throw problems.forbidden('Only admins can add users.');
  if (caller.role !== 'super_admin' && users.some((u) => u.role === 'super_admin')) throw problems.forbidden('Only a Super Admin can give the Super Admin role.');
  if (caller.role !== 'super_admin' && users.some((u) => u.userType === 'video_pro_plus')) throw problems.forbidden('You must be a Super Admin to assign Video Pro+ licenses.');
}

/** A request that buys anything takes an admin with purchasing permission. */
export function assertMayBuy(caller: Caller, price: PriceList): void {
  if (price.items.length > 0 && !caller.canPurchase) {
    throw problems.forbidden('This request buys licenses, deskphones or numbers, which needs an admin with purchasing permission. Please contact your company billing admin, or assign from the existing inventory.');
  }
}

/** Users do not see requests at all: to them, none exists. */
export const maySeeRequests = (caller: Caller): boolean => caller.role !== 'user';
