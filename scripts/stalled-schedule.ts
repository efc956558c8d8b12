// `npm run stalled:schedule -- --every 1h --stage license_pending --older-than 3d --action recheck-seats`
// Creates (or updates) a Temporal Schedule, visible in the UI, that runs that sweep on its own.
// `--delete` removes it. The schedule id is `stalled-sweep:<stage>:<action>[:<account>]` unless --id.
import { parseArgs } from 'node:util';
import { ScheduleNotFoundError, type ScheduleOptionsAction } from '@temporalio/client';
import { loadConfig } from '../config';
import { connectScriptClient } from '../config/temporal';
import { duration, sweepFromArgs, sweepOptions } from './stalled-args';
import { stalledSweepWorkflow } from '../workflows';

async function main() {
  const { values } = parseArgs({ options: { ...sweepOptions, every: { type: 'string' }, id: { type: 'string' }, delete: { type: 'boolean', default: false } } });
  const { criteria, action } = sweepFromArgs(values);
  if (!action) throw new Error('--action is required');
  const scheduleId = values.id ?? ['stalled-sweep', criteria.stage, action, criteria.accountId].filter(Boolean).join(':');
  const config = loadConfig();
  const client = await connectScriptClient(config);
  const connection = client.connection;
  try {
    const handle = client.schedule.getHandle(scheduleId);
    if (values.delete) {
      await handle.delete();
      console.log(`Schedule ${scheduleId} deleted.`);
      return;
    }
    const every = duration('--every', values.every ?? '1h')!;
    const workflowAction: ScheduleOptionsAction = {
      type: 'startWorkflow',
      workflowType: stalledSweepWorkflow,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `${scheduleId}:run`,
      args: [[{ criteria, action }]],
      staticSummary: `Stalled-activations sweep: ${action} for ${criteria.stage}${criteria.accountId ? ` in ${criteria.accountId}` : ''}`,
    };
    const spec = { intervals: [{ every }] };
    try {
      await handle.update((previous) => ({ ...previous, spec, action: workflowAction }));
      console.log(`Schedule ${scheduleId} updated: every ${values.every ?? '1h'}.`);
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      await client.schedule.create({ scheduleId, spec, action: workflowAction, policies: { overlap: 'SKIP' } });
      console.log(`Schedule ${scheduleId} created: every ${values.every ?? '1h'}.`);
    }
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(`stalled:schedule: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
