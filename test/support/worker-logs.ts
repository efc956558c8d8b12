// Jest setup (setupFilesAfterEnv of the tests that run workers): the Temporal SDK's logs of this
// test file (worker state, workflow and activity logs, and Core's own warnings, e.g. retries while
// the server is down) go to its worker.log instead of stderr.
// Runtime.defaultOptions is what the SDK creates its runtime from on first use (and again after
// it shut down when idle), so nothing is started here for a file that runs no worker.
import { inspect } from 'node:util';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { testLog } from './test-logs';

const log = testLog('worker');

Runtime.defaultOptions = {
  ...Runtime.defaultOptions,
  logger: new DefaultLogger('INFO', ({ level, message, meta, timestampNanos }: LogEntry) => {
    const at = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
    log.write(`${at} [${level}] ${message}${meta && Object.keys(meta).length ? ` ${inspect(meta, { breakLength: Infinity, depth: 4 })}` : ''}`);
  }),
  // Core's logs through the logger above rather than printed by Core itself.
  telemetryOptions: { ...Runtime.defaultOptions.telemetryOptions, logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } },
};
