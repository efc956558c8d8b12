// The stalled-activations sweep on a Temporal Schedule: each run does the same as
// `npm run stalled -- --action ...` for every sweep it is given, through one activity each.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SweepRequest, SweepCounts } from '../operations/stalled-activations';

export async function stalledSweepWorkflow(sweeps: SweepRequest[]): Promise<SweepCounts[]> {
  const results: SweepCounts[] = [];
  for (const s of sweeps) {
    const { runStalledSweep } = proxyActivities<Activities>({
      summary: `${s.action} for ${s.criteria.stage}${s.criteria.accountId ? ` in ${s.criteria.accountId}` : ''}`,
      startToCloseTimeout: '10 minutes',
      retry: { maximumAttempts: 3 },
    });
    results.push(await runStalledSweep(s));
  }
  return results;
}
