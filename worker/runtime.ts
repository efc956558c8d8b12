// The worker process's Temporal runtime: SDK and workflow logs as pino JSON lines (workflow and
// activity logs carry workflowId, runId and the rest of their context), and the SDK's own metrics
// (task latencies, failures, slots) on a Prometheus endpoint. Install once, before any worker.
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import pino from 'pino';

export interface RuntimeSettings {
  logLevel: string;
  /** host:port for the SDK metrics' /metrics endpoint; none when absent. */
  metricsAddress?: string;
  destination?: NodeJS.WritableStream;
}

const SDK_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

export function installWorkerRuntime(s: RuntimeSettings): void {
  const logger = pino({ level: s.logLevel, base: { component: 'worker' } }, s.destination ?? process.stdout);
  const sdkLevel = (Object.entries(SDK_LEVELS).find(([, p]) => p === s.logLevel)?.[0] ?? 'INFO') as keyof typeof SDK_LEVELS;
  Runtime.install({
    logger: new DefaultLogger(sdkLevel, (entry: LogEntry) => {
      const { meta, message, level, timestampNanos } = entry;
      logger[SDK_LEVELS[level]]({ ...meta, sdkTime: Number(timestampNanos / 1_000_000n) }, message);
    }),
    ...(s.metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: s.metricsAddress, countersTotalSuffix: true } } } } : {}),
  });
}
