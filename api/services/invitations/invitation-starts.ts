// Starting one person's invitation: recorded, then its workflow started, unless they already have
// a live one, which is returned instead.
import { invitationStart, type InviteeToStart } from '../../../workflows/invitation/start';
import type { AccountRow } from '../accounts';
import type { Caller } from '../credentials';
import { invitationView, startedStatus, type InvitationView } from './invitation-view';
import type { InvitationWorkflows } from './invitation-workflows';
import type { InvitationRecord, InvitationRow, InvitationsData } from './invitations-data';

/** What the invitations table records of a person's invitation. */
export const invitationRecord = (account: AccountRow, caller: Caller, invitee: InviteeToStart): InvitationRecord =>
  ({ ...invitee, accountId: account.id, invitedBy: caller.userId, locale: account.locale });

export function createInvitationStarts({ invitationsData, workflows }: { invitationsData: InvitationsData; workflows: InvitationWorkflows }) {
  /**
   * An ended invitation (revoked, failed, expired for good) is started again with later token
   * generations, so none of its old links comes back to life.
   */
  return async function startInvitation(account: AccountRow, caller: Caller, invitee: InviteeToStart, sendAt: string | undefined, recorded?: InvitationRow | null): Promise<InvitationView> {
    const record = invitationRecord(account, caller, invitee);
    // A first invitation for this person (the common case) needs no look at Temporal: no row, no workflow.
    // `recorded`: the caller already tried to record it (the row, or null when invited before).
    let row = recorded === undefined ? await invitationsData.insertNew(record) : (recorded ?? undefined);
    if (!row) {
      // Invited before: a live invitation is returned as it is; an ended one starts again.
      if (await workflows.isRunning(invitee.id)) {
        return { ...invitationView((await invitationsData.byId(invitee.id))!, await workflows.status(invitee.id)), created: false };
      }
      row = await invitationsData.replaceEnded(record);
    }
    await workflows.start(invitationStart(account, caller.name || caller.userId, caller.role, invitee, sendAt, row.token_generation + 1));
    return { ...invitationView(row, startedStatus(invitee.id, sendAt)), created: true };
  };
}
export type StartInvitation = ReturnType<typeof createInvitationStarts>;
