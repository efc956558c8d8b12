// Starting a request's workflow (by typed reference), and asking it where it stands.
import type { Client } from '@temporalio/client';
import type { PriceList } from '../../../domain/provisioning-requests';
import { provisioningRequestWorkflow } from '../../../workflows';
import { getProvisioningStatus, type ProvisioningRequestInput, type ProvisioningStatus } from '../../../workflows/provisioning-request/definitions';
import { AccountId, OnboardingChannel, OnboardingStage } from '../../../workflows/search-attributes';
import type { AccountSettings } from '../accounts';
import type { Caller } from '../credentials';

export function createProvisioningWorkflows({ temporal, taskQueue }: { temporal: Client; taskQueue: string }) {
  return {
    async start(caller: Caller, account: AccountSettings, input: ProvisioningRequestInput, workflowId: string, price: PriceList): Promise<void> {
      const n = input.users.length;
      const purchases = price.items.length > 0 ? `; purchases: ${price.items.map((i) => `${i.quantity} × ${i.description}`).join(', ')}` : '';
      await temporal.workflow.start(provisioningRequestWorkflow, {
        taskQueue,
        workflowId,
        args: [input],
        typedSearchAttributes: [
          { key: AccountId, value: account.id },
          { key: OnboardingChannel, value: 'admin' },
          { key: OnboardingStage, value: input.seatPurchases.length ? 'purchasing' : 'provisioning' },
        ],
        staticSummary: `Adding ${n} user${n === 1 ? '' : 's'} to ${account.name}`,
        staticDetails: `Requested by ${caller.name || caller.userId} (${caller.role.replace('_', ' ')})${purchases}.`,
      });
    },

    status: (workflowId: string): Promise<ProvisioningStatus> => temporal.workflow.getHandle(workflowId).query(getProvisioningStatus),
  };
}
export type ProvisioningWorkflows = ReturnType<typeof createProvisioningWorkflows>;
