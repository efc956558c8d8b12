// One webhook POST, safely: the address every connection goes to is checked as it is resolved (no
// loopback, private, link-local or metadata address unless allowed), no redirect is followed (a
// 3xx is just an unsuccessful answer), the answer is read up to a cap and the whole exchange is cut
// off at the time limit.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { refusedAddress } from '../domain/webhook-addresses';

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  maxResponseBytes: number;
  allowPrivateAddresses: boolean;
}

export interface WebhookAnswer {
  /** undefined when no answer came (refused address, connection error, time limit). */
  status?: number;
  /** The start of the answer's body, or what went wrong. */
  text: string;
  latencyMs: number;
}

/** Resolves like Node does, then refuses every address not allowed; the connection uses only what passed. */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      const refused = allowPrivate ? undefined : list.map((a) => refusedAddress(a.address)).find(Boolean);
      if (refused) return callback(Object.assign(new Error(`address not allowed: ${refused}`), { code: 'EADDRNOTALLOWED' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export function postWebhook(p: WebhookPost): Promise<WebhookAnswer> {
  const started = Date.now();
  const u = new URL(p.url);
  // An IP literal never goes through lookup: check it here.
  const literal = u.hostname.replace(/^\[|\]$/g, '');
  const refusedLiteral = !p.allowPrivateAddresses && /^[\d.]+$|:/.test(literal) ? refusedAddress(literal) : undefined;
  if (refusedLiteral) return Promise.resolve({ text: `address not allowed: ${refusedLiteral}`, latencyMs: 0 });
  return new Promise((resolve) => {
    let settled = false;
    const done = (a: Omit<WebhookAnswer, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...a, latencyMs: Date.now() - started });
    };
    const send = u.protocol === 'https:' ? https.request : http.request;
    const req = send(u, {
      method: 'POST',
      headers: { ...p.headers, 'content-length': Buffer.byteLength(p.body).toString() },
      lookup: guardedLookup(p.allowPrivateAddresses),
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => done({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (c: Buffer) => {
        const room = p.maxResponseBytes - size;
        if (room > 0) chunks.push(c.subarray(0, room));
        size += c.length;
        if (size >= p.maxResponseBytes) finish();
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    const timer = setTimeout(() => done({ text: `no answer within ${p.timeoutMs} ms` }), p.timeoutMs);
    req.on('error', (err) => done({ text: err.message }));
    req.end(p.body);
  });
}
