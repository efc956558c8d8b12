// `npm run webhooks:verify`: checks real webhook deliveries with an implementation this project
// did not write, the Standard Webhooks library for Python (`standardwebhooks` from PyPI, in a venv
// under .data/webhooks-verify-venv, installed once). Against a running stack (`npm run dev`, which
// allows webhooks to this machine), it registers an endpoint pointing at a receiver it runs itself,
// causes lifecycle events (an invitation sent; one scheduled, then revoked; two test events, the
// second after a secret rotation, so it carries both signatures), captures every delivery as it
// arrived (headers and raw body) into .data/webhooks-verify/deliveries.jsonl, deletes the endpoint
// and runs scripts/webhooks-verify.py over the capture. Exits with its status.
//
//   API_URL (http://localhost:3000), TOKEN (printed by `npm run dev`), ACCOUNT (demo)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensurePythonVenv } from './local-stack/throwaway-stack';

const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.data', 'webhooks-verify-venv');
const PYTHON = path.join(VENV, 'bin', 'python');
const STANDARDWEBHOOKS = '1.1.0';
const OUT = path.join(ROOT, '.data', 'webhooks-verify');
const API = process.env.API_URL ?? 'http://localhost:3000';
const ACCOUNT = process.env.ACCOUNT ?? 'demo';
const TOKEN = process.env.TOKEN;
const log = (m: string) => console.log(`[webhooks:verify] ${m}`);

interface Captured { headers: Record<string, string>; body: string; at: number }

/** The fields of the answers this script reads. */
interface Answer { endpoint: { id: string }; secret: string; messageId: string; invitations: Array<{ id: string }> }

async function call(method: string, p: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${API}/v1/accounts/${ACCOUNT}${p}`, {
    method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Answer;
}

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<number> {
  if (!TOKEN) throw new Error('TOKEN is not set: start `npm run dev` and export the TOKEN it prints');
  ensurePythonVenv({ venv: VENV, packages: [`standardwebhooks==${STANDARDWEBHOOKS}`], log });
  const captured: Captured[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  const { endpoint, secret: first } = await call('POST', '/webhook-endpoints', {
    url, description: 'npm run webhooks:verify',
    eventTypes: ['invitation.scheduled', 'invitation.sent', 'invitation.revoked', 'invitation.delivery_failed', 'invitation.accepted', 'user.activated'],
  });
  log(`endpoint ${endpoint.id} → ${url}`);
  try {
    const stamp = Date.now();
    const ids = new Set<string>();
    ids.add((await call('POST', `/webhook-endpoints/${endpoint.id}/test`)).messageId);
    await call('POST', '/invitations', { channel: 'email', emails: `verify-${stamp}@example.com` });
    const scheduled = await call('POST', '/invitations', { channel: 'email', emails: `verify-later-${stamp}@example.com`, schedule: { localDateTime: '2031-04-01T09:00', timeZone: 'Europe/Paris' } });
    const later = scheduled.invitations[0]!.id;
    await until('invitation.scheduled', () => captured.some((c) => c.body.includes(later)));
    await call('DELETE', `/invitations/${encodeURIComponent(later)}`);
    await until('invitation.sent and invitation.revoked', () => captured.some((c) => c.body.includes('"invitation.sent"') && c.body.includes(`verify-${stamp}@`)) && captured.some((c) => c.body.includes('"invitation.revoked"') && c.body.includes(later)));
    const { secret: second } = await call('POST', `/webhook-endpoints/${endpoint.id}/secret-rotation`);
    const afterRotation = (await call('POST', `/webhook-endpoints/${endpoint.id}/test`)).messageId;
    ids.add(afterRotation);
    await until('the test events', () => [...ids].every((id) => captured.some((c) => c.headers['webhook-id'] === id)));

    fs.mkdirSync(OUT, { recursive: true });
    const file = path.join(OUT, 'deliveries.jsonl');
    // Two signatures: after the rotation, each must verify with its own secret.
    const lines = captured.map((c) => JSON.stringify({ headers: c.headers, body: c.body, secrets: c.headers['webhook-signature']!.split(' ').length === 2 ? [second, first] : [first] }));
    fs.writeFileSync(file, lines.join('\n') + '\n');
    log(`${captured.length} deliveries captured in ${path.relative(ROOT, file)}; verifying with the Python library`);
    if (!captured.some((c) => c.headers['webhook-id'] === afterRotation && c.headers['webhook-signature']!.includes(' '))) throw new Error('the message after the rotation did not carry two signatures');
    try {
      execFileSync(PYTHON, [path.join(__dirname, 'webhooks-verify.py'), file], { stdio: 'inherit' });
      return 0;
    } catch {
      return 1;
    }
  } finally {
    await call('DELETE', `/webhook-endpoints/${endpoint.id}`).catch(() => undefined);
    server.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(`[webhooks:verify] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
