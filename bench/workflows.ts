// The benchmark worker's workflows: the product's, plus the engine floor's minimal workflow
// (one no-op activity), so both run on the same worker with the same settings.
import { proxyActivities } from '@temporalio/workflow';

export * from '../workflows';

const { benchNoop } = proxyActivities<{ benchNoop(): Promise<void> }>({ startToCloseTimeout: '10 seconds' });

export async function benchNoopWorkflow(): Promise<void> {
  await benchNoop();
}
