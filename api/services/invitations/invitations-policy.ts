// Who may invite and manage which invitations, and how often a number may be texted.
import { TEXT_INTERVAL_SECONDS } from '../../../domain/phone-numbers';
import { problems } from '../../problems';
import type { AccountRow } from '../accounts';
import type { Caller } from '../credentials';
import type { InvitationRow, InvitationsData } from './invitations-data';

/** Admins may always invite; users only while the account allows it (the account-level permission). */
export function assertMayInvite(caller: Caller, account: Pick<AccountRow, 'users_may_invite'>, asAdmin = false): void {
  if (caller.role === 'user' && !account.users_may_invite) {
    throw problems.forbidden('Inviting people is disabled for this account. Please ask your company account admin to review the account settings.');
  }
  if (asAdmin && caller.role === 'user') throw problems.forbidden('Only admins can invite someone as an admin.');
}

/** Users see and manage only the invitations they sent; admins see the whole account's. */
export const maySeeInvitation = (caller: Caller, row: Pick<InvitationRow, 'invited_by'>): boolean =>
  caller.role !== 'user' || row.invited_by === caller.userId;

export function assertMayAssignLicense(caller: Caller): void {
  if (caller.role !== 'super_admin') throw problems.forbidden('Only a Super Admin can assign Video Pro+ licenses.');
}

export function createInvitationPolicy({ invitationsData }: { invitationsData: Pick<InvitationsData, 'claimTextSlot'> }) {
  return {
    assertMayInvite,
    maySeeInvitation,
    assertMayAssignLicense,

    /**
     * Claims the account's one-text-per-minute slot for a number, or answers 429 with when to retry.
     * Per account: another account's text to the same number neither blocks this one nor shows
     * here (the sender spaces texts to one number for the carrier, see activities/outbox.ts).
     */
    async claimTextSlot(accountId: string, phone: string): Promise<void> {
      const wait = await invitationsData.claimTextSlot(accountId, phone, TEXT_INTERVAL_SECONDS);
      if (wait !== null) throw problems.textRateLimited(Math.max(1, wait));
    },
  };
}
export type InvitationPolicy = ReturnType<typeof createInvitationPolicy>;
