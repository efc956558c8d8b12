// Who may do what with the invite link: whoever may invite sees and shares it; admins create,
// rotate and revoke it.
import { problems } from '../../problems';
import type { Caller } from '../credentials';

export { assertMayInvite as assertMayShareLink } from '../invitations/invitations-policy';

export function assertMayManageLink(caller: Caller): void {
  if (caller.role === 'user') throw problems.forbidden('Only admins can create, rotate or revoke the invite link.');
}
