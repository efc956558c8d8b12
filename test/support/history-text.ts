// A workflow history as text a person could read: the JSON form with every payload decoded, so a
// scan for secrets sees what the payloads carry (JSON.stringify of the raw history shows bytes).
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';

export function historyText(history: temporal.api.history.v1.IHistory): string {
  const json = historyToJSON(history);
  return json.replace(/"data":\s*"([A-Za-z0-9+/=]+)"/g, (_m, b64: string) => `"data": ${JSON.stringify(Buffer.from(b64, 'base64').toString('utf8'))}`);
}
