// `npm run scim:check`: an independent SCIM compliance checker, scim2-tester (python-scim, from
// PyPI, in a venv under .data/scim-check-venv), run against the live /scim/v2 endpoint of a
// throwaway stack (PostgreSQL, the Temporal dev server, an SMTP inbox, the Twilio-compatible
// endpoint, a worker and the API). It discovers what ServiceProviderConfig, ResourceTypes and Schemas
// say, then creates, reads, replaces, patches, lists, filters and deletes Users and Groups as they
// describe. Exits non-zero when a check finds a MUST broken. Not part of `npm test`.
//
// Environment: SCIM_CHECK_URL and SCIM_CHECK_TOKEN check an endpoint already running instead
// (e.g. `npm run dev` and a token from POST /v1/accounts/{id}/scim-connection/token).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createAccountWithSuperAdmin } from '../api/services/accounts';
import { ensurePythonVenv, runThenStop, startThrowawayStack, type Stops } from './local-stack/throwaway-stack';

const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.data', 'scim-check-venv');
const PYTHON = path.join(VENV, 'bin', 'python');
/** Pinned: a newer checker may check more; bump on purpose. */
const PACKAGES = ['scim2-tester==0.5.2', 'scim2-client[httpx2]==0.13.2'];
const OUT = path.join(ROOT, '.data', 'scim-check');

const log = (msg: string) => console.log(`[scim:check] ${msg}`);
const stops: Stops = [];

/** A throwaway stack with an account whose SCIM connection is set up; answers its URL and token. */
async function startStack(): Promise<{ url: string; token: string }> {
  const { db, baseUrl } = await startThrowawayStack({ name: 'scim-check', out: OUT, log, stops, workerPoolMax: 20 });
  const account = await createAccountWithSuperAdmin(db, {
    id: 'scimcheck', name: 'SCIM Check Co', companyDomains: ['example.com'],
    superAdmin: { email: 'boss@example.com', firstName: 'Sam', lastName: 'Check' },
  });
  const admin = async (method: string, p: string, body: unknown) => {
    const res = await fetch(`${baseUrl}/v1/accounts/scimcheck${p}`, { method, headers: { authorization: `Bearer ${account.credential}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ token: string; baseUrl: string }>;
  };
  // The checker's users have made-up names and addresses: stage them rather than email them.
  await admin('PUT', '/scim-connection', { setupOption: 'activate_later' });
  const { token, baseUrl: url } = await admin('POST', '/scim-connection/token', {});
  return { url, token };
}

async function main(): Promise<number> {
  ensurePythonVenv({ venv: VENV, packages: PACKAGES, log });
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const started = Date.now();
  const target = process.env.SCIM_CHECK_URL && process.env.SCIM_CHECK_TOKEN ? { url: process.env.SCIM_CHECK_URL, token: process.env.SCIM_CHECK_TOKEN } : await startStack();
  log(`checking ${target.url}`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(PYTHON, [path.join(__dirname, 'scim-check.py')], {
      stdio: 'inherit',
      env: { ...process.env, SCIM_URL: target.url, SCIM_TOKEN: target.token, SCIM_CHECK_REPORT: path.join(OUT, 'results.jsonl'), PYTHONDONTWRITEBYTECODE: '1' },
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  log(`scim2-tester exited with ${code} after ${((Date.now() - started) / 1000).toFixed(0)} s; results in ${path.relative(ROOT, OUT)}/results.jsonl`);
  return code;
}

runThenStop(main, stops);
