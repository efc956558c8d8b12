// Who may offboard whom: admins only (the identity provider calls the service directly, with its
// own token), and nobody deactivates themselves (an account must not lose its last admin by accident).
import { problems } from '../../problems';
import type { Caller } from '../credentials';

export type OffboardingAction = 'deactivate users' | 'reactivate users' | 'see a user\'s offboarding' | 'record deskphone returns' | 'change the number quarantine';

export function assertMayOffboard(caller: Caller, userId: string, what: OffboardingAction): void {
  if (caller.role === 'user') throw problems.forbidden(`Only admins can ${what}.`);
  if (what === 'deactivate users' && caller.userId === userId) throw problems.forbidden('You cannot deactivate yourself; ask another admin.');
}

/** Who asked, as the workflow records it. */
export const requestedByCaller = (caller: Caller) => caller.userId;
