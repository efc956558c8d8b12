// Invitation batches and bulk actions: the tables (batches-data.ts), who may (batches-policy.ts),
// reading an upload (batch-input.ts), the report (batch-report.ts), and the service the routes call.
export { createBatchesData, type BatchesData } from './batches-data';
export { createBatchPolicy, type BatchPolicy } from './batches-policy';
export { createBatchService, type BatchService, type BatchAccepted, type BatchView, type DryRun } from './batches-service';
