// Who sees and decides invitees' requests for a new invitation, and how often one may be asked.
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import type { RequestQuota } from './invitation-requests-data';

/**
 * Requests one link, and one address (across accounts), may make in a day. One request is pending
 * per invitation at most (a unique index), so these only count asking again after a decision; the
 * per-IP limit an hour is the signup pages' (api/plugins/rate-limits.ts).
 */
export const DEFAULT_REQUEST_QUOTA: RequestQuota = { perLinkPerDay: 3, perAddressPerDay: 5 };

/** The account's admins and Super Admins: the people the requests are emailed to. */
export function assertMayDecide(caller: Caller): void {
  if (caller.role === 'user') throw problems.forbidden('Only admins see and decide requests for a new invitation.');
}
