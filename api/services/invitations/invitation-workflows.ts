// The invitation workflows as the API talks to them: started by typed reference, queried for
// where they stand, asked to change through updates. The workflow owns the lifecycle.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { invitationWorkflow } from '../../../workflows';
import { askWorkflow } from '../../deadlines';
import { getInvitationStatus, type InvitationStatus } from '../../../workflows/invitation/definitions';
import { clientStartOptions, type invitationStart } from '../../../workflows/invitation/start';
import { updateProblem } from '../../failures';

export function createInvitationWorkflows({ temporal, taskQueue }: { temporal: Client; taskQueue: string }) {
  return {
    /** Starts the invitation, or finds the person's live one. */
    async start(start: ReturnType<typeof invitationStart>): Promise<void> {
      try {
        await temporal.workflow.start(invitationWorkflow, clientStartOptions(start, taskQueue));
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },

    /** Where the invitation stands; undefined when its workflow is gone. */
    async status(id: string): Promise<InvitationStatus | undefined> {
      try {
        return await temporal.workflow.getHandle(id).query(getInvitationStatus);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },

    async isRunning(id: string): Promise<boolean> {
      try {
        return (await temporal.workflow.getHandle(id).describe()).status.name === 'RUNNING';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },

    /** Asks the invitation to change; a refusal becomes the caller's problem (409, 422). */
    async update(id: string, update: UpdateDefinition<InvitationStatus, []>): Promise<InvitationStatus> {
      try {
        return await askWorkflow(temporal, () => temporal.workflow.getHandle(id).startUpdate(update, { waitForStage: 'ACCEPTED' }));
      } catch (err) {
        throw updateProblem(err, `Invitation ${id}`);
      }
    },
  };
}
export type InvitationWorkflows = ReturnType<typeof createInvitationWorkflows>;
