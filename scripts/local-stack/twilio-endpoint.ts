// A local Twilio-compatible endpoint for dev and tests: Prism serves Twilio's own OpenAPI
// description of its REST API as a validating mock (a request Twilio would refuse is refused, an
// accepted one gets the answer the description gives), and a small recorder in front of it keeps
// every request as Twilio would receive it and can inject failures.
//
// One known Prism bug is worked around: its validator rejects a single `MediaUrl` form field
// (Twilio takes one or more), so the copy Prism serves lets MediaUrl be a string or a list.
//
// Prism answers every number search with the description's one example number, and every purchase
// with another. So that buying numbers behaves as at Twilio (each purchase gets the number asked
// for, a number is sold once, a released number is gone), the recorder keeps the numbers this
// endpoint's account owns and fills Prism's validated answers from them: see `NumberStock`.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { killWithParent } from './processes';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const TWILIO_SPEC = path.join(__dirname, 'twilio-openapi', 'twilio_api_v2010.json');

export interface RecordedTwilioRequest {
  method: string;
  /** Path and query string. */
  path: string;
  /** The form body: every field with all its values, in order. */
  form: Record<string, string[]>;
  authorization?: string;
  status: number;
  response: unknown;
}

/** Answer to give instead of forwarding (e.g. a 503 to simulate an outage, a 400 for an invalid number). */
export type TwilioFault = { status: number; body: Record<string, unknown> } | undefined;

export interface TwilioEndpoint {
  url: string;
  requests: RecordedTwilioRequest[];
  /** Decides per request whether to fail it; `undefined` forwards to the validating mock. */
  setFault(fn: ((req: { method: string; path: string; form: Record<string, string[]> }) => TwilioFault) | undefined): void;
  /** Numbers bought through this endpoint and not released: E.164 → sid. */
  ownedNumbers: Map<string, string>;
  /** Holds every request this long before answering (a slow carrier: tests kill a worker while requests are in flight). */
  setLatency(ms: number): void;
  /** Requests received and not yet answered. */
  inFlight(): Array<{ method: string; path: string }>;
  stop(): Promise<void>;
}

function patchedSpec(): string {
  const spec = JSON.parse(fs.readFileSync(TWILIO_SPEC, 'utf8'));
  const props = spec.paths['/2010-04-01/Accounts/{AccountSid}/Messages.json'].post.requestBody.content['application/x-www-form-urlencoded'].schema.properties;
  const list = props.MediaUrl;
  props.MediaUrl = { description: list.description, anyOf: [list.items, list] };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twilio-openapi-'));
  const file = path.join(dir, 'twilio_api_v2010.json');
  fs.writeFileSync(file, JSON.stringify(spec));
  return file;
}

/** Starts Prism (a child process; it takes several seconds to load Twilio's description). */
export async function startTwilioMock(opts: { port: number; log?: (m: string) => void }): Promise<{ url: string; pid?: number; stop(): Promise<void> }> {
  const prism = require.resolve('@stoplight/prism-cli/dist/index.js');
  const specFile = patchedSpec();
  const child = spawn(process.execPath, [prism, 'mock', '-h', '127.0.0.1', '-p', String(opts.port), specFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  killWithParent(child);
  let output = '';
  const collect = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Prism exited during start-up:\n${output}`);
    if (/Prism is listening/.test(output)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Prism did not start within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.stdout.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(path.dirname(specFile), { recursive: true, force: true });
    },
  };
}


const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/[^/]+/;

/**
 * The numbers a Twilio account could buy and owns, so that searches, purchases, look-ups and
 * releases answer consistently. Prism has already validated the request and shaped the answer;
 * this only puts the right numbers into it (templates are the description's own examples).
 */
class NumberStock {
  readonly owned = new Map<string, string>();
  private readonly incomingTemplate: Record<string, unknown>;

  constructor(spec: { paths: Record<string, { post?: { responses: Record<string, { content: Record<string, { examples: Record<string, { value: Record<string, unknown> }> }> }> } }> }) {
    this.incomingTemplate = spec.paths['/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json']!.post!.responses['201']!.content['application/json']!.examples.create!.value;
  }

  static sidFor(number: string) {
    return `PN${createHash('md5').update(number).digest('hex')}`;
  }

  private incoming(number: string) {
    const sid = NumberStock.sidFor(number);
    return { ...this.incomingTemplate, phone_number: number, friendly_name: number, sid, uri: String(this.incomingTemplate.uri).replace(/PN[a-z0-9]+/i, sid) };
  }

  /** Rewrites Prism's answer (already a success) to what Twilio would answer for this account's numbers; or a Twilio error. */
  answer(method: string, url: URL, form: Record<string, string[]>, body: { available_phone_numbers?: Array<Record<string, unknown>> } | undefined): { status?: number; body: unknown } | undefined {
    const rest = url.pathname.replace(ACCOUNT_PATH, '');
    const search = /^\/AvailablePhoneNumbers\/([A-Z]{2})\/Local\.json$/.exec(rest);
    if (method === 'GET' && search) {
      const areaCode = url.searchParams.get('AreaCode') ?? '415';
      const pageSize = Math.min(Number(url.searchParams.get('PageSize') ?? 20), 50);
      const template = body?.available_phone_numbers?.[0] ?? {};
      const free: unknown[] = [];
      for (let line = 100; line < 10_000 && free.length < pageSize; line++) {
        const number = `+1${areaCode}555${String(line).padStart(4, '0')}`;
        if (this.owned.has(number)) continue;
        free.push({ ...template, phone_number: number, friendly_name: `(${areaCode}) 555-${String(line).padStart(4, '0')}`, region: url.searchParams.get('InRegion') ?? template.region, iso_country: search[1] });
      }
      return { body: { ...body, available_phone_numbers: free, next_page_uri: null } };
    }
    if (rest === '/IncomingPhoneNumbers.json' && method === 'POST') {
      const number = form.PhoneNumber?.[0] ?? '';
      if (this.owned.has(number)) {
        return { status: 400, body: { code: 21422, message: 'PhoneNumber requested is not available', more_info: 'https://www.twilio.com/docs/errors/21422', status: 400 } };
      }
      this.owned.set(number, NumberStock.sidFor(number));
      return { body: this.incoming(number) };
    }
    if (rest === '/IncomingPhoneNumbers.json' && method === 'GET') {
      const wanted = url.searchParams.get('PhoneNumber');
      const numbers = [...this.owned.keys()].filter((n) => !wanted || n === wanted);
      return { body: { ...body, incoming_phone_numbers: numbers.map((n) => this.incoming(n)), next_page_uri: null } };
    }
    const release = /^\/IncomingPhoneNumbers\/(PN[0-9a-f]+)\.json$/i.exec(rest);
    if (release && method === 'DELETE') {
      const number = [...this.owned].find(([, sid]) => sid === release[1])?.[0];
      if (!number) return { status: 404, body: { code: 20404, message: `The requested resource ${url.pathname} was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 } };
      this.owned.delete(number);
      return undefined;
    }
    return undefined;
  }
}

function parseForm(body: string): Record<string, string[]> {
  const form: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) (form[k] ??= []).push(v);
  return form;
}

/** The recorder in front of the mock; `port` 0 picks a free one. */
export async function startTwilioEndpoint(opts: { mockUrl: string; port?: number; host?: string }): Promise<TwilioEndpoint> {
  const requests: RecordedTwilioRequest[] = [];
  let fault: ((req: { method: string; path: string; form: Record<string, string[]> }) => TwilioFault) | undefined;
  const stock = new NumberStock(JSON.parse(fs.readFileSync(TWILIO_SPEC, 'utf8')));
  let latencyMs = 0;
  const inFlight = new Set<{ method: string; path: string }>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const pending = { method: req.method ?? 'GET', path: req.url ?? '/' };
      inFlight.add(pending);
      void (async () => {
        // Work on with the request even if the caller has gone: as at a real carrier, a purchase whose answer was lost still happened.
        if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
        const raw = Buffer.concat(chunks).toString('utf8');
        const reqPath = req.url ?? '/';
        const form = parseForm(raw);
        let status: number;
        let text: string;
        let contentType = 'application/json';
        const method = req.method ?? 'GET';
        const injected = fault?.({ method, path: reqPath, form });
        if (injected) {
          status = injected.status;
          text = JSON.stringify(injected.body);
        } else {
          const headers: Record<string, string> = {};
          for (const h of ['authorization', 'content-type', 'accept', 'user-agent']) {
            const v = req.headers[h];
            if (typeof v === 'string') headers[h] = v;
          }
          const upstream = await fetch(opts.mockUrl + reqPath, { method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method ?? '') ? undefined : raw });
          status = upstream.status;
          text = await upstream.text();
          contentType = upstream.headers.get('content-type') ?? contentType;
          if (status < 300) {
            const numbers = stock.answer(method, new URL(reqPath, 'http://local'), form, contentType.includes('json') && text ? JSON.parse(text) : undefined);
            if (numbers) {
              status = numbers.status ?? status;
              text = JSON.stringify(numbers.body);
              contentType = 'application/json';
            }
          }
        }
        let response: unknown = text;
        try {
          response = JSON.parse(text);
        } catch {
          /* keep text */
        }
        requests.push({ method: req.method ?? 'GET', path: reqPath, form, authorization: req.headers.authorization, status, response });
        res.writeHead(status, { 'content-type': contentType });
        res.end(text);
      })()
        .catch((err: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 20500, message: `local endpoint: ${String(err)}`, status: 502 }));
        })
        .finally(() => inFlight.delete(pending));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`,
    requests,
    ownedNumbers: stock.owned,
    setLatency(ms) {
      latencyMs = ms;
    },
    inFlight: () => [...inFlight],
    setFault(fn) {
      fault = fn;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Twilio's error body for an invalid 'To' number (code 21211), as its API answers it. */
export function invalidNumberFault(to: string): TwilioFault {
  return { status: 400, body: { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 } };
}
