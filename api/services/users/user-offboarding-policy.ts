// Who may offboard whom: admins only (the identity provider calls the service directly, with its
// own token), and nobody deactivates themselves (an account must not lose its last admin by accident).
import { problems } from '../../problems';
import type { Caller } from '../credentials';

export function assertMayOffboard(caller: Caller, userId: string, what: 'deactivate' | 'reactivate' | 'record deskphone returns for' | 'change the number quarantine of'): void {
  if (caller.role === 'user') throw problems.forbidden(`Only admins can ${what} users.`);
  if (what === 'deactivate' && caller.userId === userId) throw problems.forbidden('You cannot deactivate yourself; ask another admin.');
}

/** Who asked, as the workflow records it. */
export const requestedByCaller = (caller: Caller) => caller.userId;
