// A SCIM user's role and license follow their groups through their assignment workflow
// (workflows/scim-assignment/), started or told by signal-with-start: one workflow per user (its id
// says which), so a repeat lands on the running one, and a change pushed before the user row exists
// waits there for it. The workflow takes a seat as invitations do and waits in license pending when
// none is free: SCIM never buys.
import type { Client } from '@temporalio/client';
import { scimAssignmentWorkflow } from '../../../workflows';
import { scimAssignmentChanged, scimAssignmentWorkflowId, type ScimAssignment } from '../../../workflows/scim-assignment/definitions';
import { reservationKey } from '../../../workflows/provisioning-request/definitions';
import { AccountId } from '../../../workflows/search-attributes';

export function createScimAssignments({ temporal, taskQueue }: { temporal: Client; taskQueue: string }) {
  return {
    async assign(accountId: string, user: { id: string; requestId: string }, assignment: ScimAssignment): Promise<void> {
      const workflowId = scimAssignmentWorkflowId(accountId, user.id);
      await temporal.workflow.signalWithStart(scimAssignmentWorkflow, {
        workflowId,
        taskQueue,
        args: [{ accountId, scimUserId: user.id, provisioningKey: reservationKey(user.requestId, 0), assignment }],
        signal: scimAssignmentChanged,
        signalArgs: [assignment],
        typedSearchAttributes: [{ key: AccountId, value: accountId }],
        staticSummary: `SCIM groups' role and license for SCIM user ${user.id}`,
      });
    },
  };
}
export type ScimAssignments = ReturnType<typeof createScimAssignments>;
