// Who sees which rows of a list: admins the whole account's; users the invitations they sent and
// themselves; provisioning requests are for admins.
import { problems } from '../../problems';
import type { Caller } from '../credentials';

const isUser = (caller: Caller) => caller.role === 'user';

/** Users see only the invitations they sent (as with one invitation: invitations-policy.ts). */
export function invitationsVisibleTo<F extends { invitedBy?: string }>(caller: Caller, filter: F): F {
  if (!isUser(caller)) return filter;
  if (filter.invitedBy && filter.invitedBy !== caller.userId) throw problems.forbidden('Users see only the invitations they sent.');
  return { ...filter, invitedBy: caller.userId };
}

/** Users see only themselves (as with one user: users-policy.ts). */
export function usersVisibleTo<F extends { ids?: string[] }>(caller: Caller, filter: F): F {
  return isUser(caller) ? { ...filter, ids: [caller.userId] } : filter;
}

export function assertMaySeeProvisioningRequests(caller: Caller): void {
  if (isUser(caller)) throw problems.forbidden('Only admins can list provisioning requests.');
}
