// Uploading invitation batches and following them, as a client does.
import { eventually, type ApiResponse, type TestStack } from './stack';

export const batchesPath = (accountId: string) => `/v1/accounts/${accountId}/invitation-batches`;

export const csv = (header: string, rows: string[]) => [header, ...rows].join('\n') + '\n';

export function uploadCsv(stack: TestStack, accountId: string, text: string, o: { credential?: string; query?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  return stack.api('POST', `${batchesPath(accountId)}${o.query ?? ''}`, { body: text, credential: o.credential, headers: { 'content-type': 'text/csv', ...o.headers } });
}

/** The batch once it has ended (completed or cancelled), with every row (paged through). */
export async function endedBatch(stack: TestStack, accountId: string, batchId: string, credential?: string, timeoutMs = 60_000): Promise<any> {
  const first = await eventually(async () => {
    const res = await stack.api('GET', `${batchesPath(accountId)}/${batchId}?limit=500`, { credential });
    return res.body.status !== 'running' ? res.body : undefined;
  }, timeoutMs, `batch ${batchId} to end`);
  const rows = [...first.rows];
  let cursor = first.nextCursor;
  while (cursor) {
    const page = await stack.api('GET', `${batchesPath(accountId)}/${batchId}?limit=500&cursor=${cursor}`, { credential });
    rows.push(...page.body.rows);
    cursor = page.body.nextCursor;
  }
  return { ...first, rows };
}

/** A fast pace for an account's batches (messages a minute), so tests are not held by the default. */
export async function setBatchPace(stack: TestStack, accountId: string, perMinute: number): Promise<void> {
  await stack.db.query(`UPDATE accounts SET batch_messages_per_minute = $2 WHERE id = $1`, [accountId, perMinute]);
}
