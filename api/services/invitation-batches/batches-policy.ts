// Who may upload batches and act in bulk, and who sees a batch.
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import { assertMayInvite } from '../invitations';
import type { BatchRecord } from './batches-data';

export function createBatchPolicy() {
  return {
    /** As inviting one person: admins always, users while the account lets them (admin rows are checked per row). */
    assertMayInvite,

    /** Users see and act on only the invitations they sent; admins on the whole account's. */
    mayActOn: (caller: Caller, invitation: { invited_by: string }) => caller.role !== 'user' || invitation.invited_by === caller.userId,

    /** Users see the batches they uploaded; admins every batch of the account. */
    assertMaySee(caller: Caller, batch: BatchRecord | undefined, batchId: string): BatchRecord {
      if (!batch || (caller.role === 'user' && batch.created_by !== caller.userId)) throw problems.notFound(`Invitation batch ${batchId}`);
      return batch;
    },
  };
}
export type BatchPolicy = ReturnType<typeof createBatchPolicy>;
