// Who may see and manage which credentials: everyone their own; admins the people of their
// account, except that only a Super Admin manages another Super Admin's.
import type { Role } from '../../../domain/roles';
import type { Caller } from './caller';

export function mayManage(caller: Caller, ownerId: string, ownerRole: Role): boolean {
  if (caller.userId === ownerId) return true;
  if (caller.role === 'super_admin') return true;
  return caller.role === 'admin' && ownerRole !== 'super_admin';
}

/** Whose credentials a caller lists: the whole account's for admins, their own for users. */
export const listedOwner = (caller: Caller): string | undefined => (caller.role === 'user' ? caller.userId : undefined);
