// Workflow and activity payloads leave this process encrypted: invitees' emails, names and phone
// numbers are personal data, and anyone who reads the Temporal database or UI would see them.
// AES-256-GCM with a 96-bit random nonce per payload; the key id travels in each payload's metadata,
// so a rotated key still decrypts what it encrypted. Payloads without our encoding (histories from
// before encryption) pass through unchanged. Search attributes never pass through a codec: they
// stay readable, by design (the lists and the UI's search need them).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const CIPHER = 'AES-256-GCM';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** The keys: `current` encrypts, every one of `keys` decrypts what carries its id. */
export interface PayloadKeys {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * Parses `id:base64key,id2:base64key` (each key 32 bytes). `currentId` picks the encrypting key
 * (default: the first listed). Throws with a message naming what is wrong, never the key.
 */
export function parsePayloadKeys(spec: string, currentId?: string): PayloadKeys {
  const keys = new Map<string, Buffer>();
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf(':');
    const id = part.slice(0, at).trim();
    if (at <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new Error(`each key is "id:base64key" with an id of letters, digits, ".", "_" or "-" (got an entry of ${part.length} characters)`);
    const key = Buffer.from(part.slice(at + 1).trim(), 'base64');
    if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes in base64 (got ${key.length})`);
    if (keys.has(id)) throw new Error(`key "${id}" is listed twice`);
    keys.set(id, key);
  }
  const first = keys.keys().next();
  if (first.done) throw new Error('no key given');
  const current = currentId ?? first.value;
  if (!keys.has(current)) throw new Error(`the current key "${current}" is not among the listed keys`);
  return { current, keys };
}

/** A fresh key in the format parsePayloadKeys reads (dev keeps one in .data/; operators: see README). */
export const newPayloadKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

export class PayloadEncryptionCodec implements PayloadCodec {
  constructor(private readonly payloadKeys: PayloadKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const id = this.payloadKeys.current;
    const key = this.payloadKeys.keys.get(id)!;
    return payloads.map((payload) => {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      // The key id is authenticated too: a payload moved under another id fails to decrypt.
      cipher.setAAD(utf8.encode(id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID]: utf8.encode(id), 'encryption-cipher': utf8.encode(CIPHER) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => decryptPayload(this.payloadKeys, payload));
  }
}

/** One payload decrypted (or returned as it is when it was never encrypted). */
export function decryptPayload(payloadKeys: PayloadKeys, payload: Payload): Payload {
  const encoding = payload.metadata?.encoding;
  if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return payload; // written before encryption
  const idBytes = payload.metadata?.[KEY_ID];
  const id = idBytes ? text.decode(idBytes) : '';
  const key = payloadKeys.keys.get(id);
  // Fails the task (retried), never the workflow: adding the key back to the configuration resumes it.
  if (!key) throw new Error(`payload encrypted with key "${id}", which is not among PAYLOAD_ENCRYPTION_KEYS`);
  const data = Buffer.from(payload.data ?? new Uint8Array());
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
  decipher.setAAD(utf8.encode(id));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  const plain = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  return temporal.api.common.v1.Payload.decode(plain);
}
