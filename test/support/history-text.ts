// A workflow history as text a person could read: the JSON form with every payload decoded, so a
// scan for secrets sees what the payloads carry (JSON.stringify of the raw history shows bytes),
// decrypted with the test keys.
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { decryptPayload, parsePayloadKeys } from '../../config/payload-codec';
import { TEST_PAYLOAD_KEY_A, TEST_PAYLOAD_KEY_B } from './payload-keys';

const testKeys = parsePayloadKeys(`${TEST_PAYLOAD_KEY_A},${TEST_PAYLOAD_KEY_B}`);

/** A copy with every payload decrypted with the test keys (the histories are stored encrypted). */
function decrypted(value: unknown): unknown {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(decrypted);
  const v = value as Record<string, unknown>;
  if (v.data instanceof Uint8Array && v.metadata && typeof v.metadata === 'object') return decryptPayload(testKeys, v as Payload);
  return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, decrypted(child)]));
}

export function historyText(history: temporal.api.history.v1.IHistory): string {
  const json = historyToJSON(temporal.api.history.v1.History.fromObject(decrypted(history) as object));
  return json.replace(/"data":\s*"([A-Za-z0-9+/=]+)"/g, (_m, b64: string) => `"data": ${JSON.stringify(Buffer.from(b64, 'base64').toString('utf8'))}`);
}
