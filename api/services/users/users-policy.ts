// Who sees and activates which users: users see themselves only; admins see and activate the account's people.
import { problems } from '../../problems';
import type { Caller } from '../credentials';

export const maySeeUser = (caller: Caller, userId: string): boolean => caller.role !== 'user' || caller.userId === userId;

export function assertMayActivate(caller: Caller): void {
  if (caller.role === 'user') throw problems.forbidden('Only admins can activate users.');
}
