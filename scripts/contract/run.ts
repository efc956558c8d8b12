// `npm run contract`: does the API keep the word its OpenAPI document gives? A throwaway stack
// (PostgreSQL, the Temporal dev server, an SMTP inbox, the local Twilio endpoint, a worker and the
// API with its rate limits raised) on free ports, and Schemathesis (from PyPI, in a venv under
// .data/contract-venv) run against /docs/json with every check and the stateful links. It exits
// non-zero when Schemathesis finds anything. Not part of `npm test`: it takes minutes.
//
// Environment: CONTRACT_MAX_EXAMPLES (per operation, default 30), CONTRACT_SEED (replay a run),
// CONTRACT_MAX_TIME (seconds, optional), CONTRACT_WORKERS (default 1), CONTRACT_OUT (the reports'
// folder, default .data/contract-run: two runs side by side need two).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createAccountWithSuperAdmin } from '../../api/services/accounts';
import { createCredentialService } from '../../api/services/credentials';
import type { Db } from '../../db';
import { freePort } from '../local-stack/ports';
import { ensurePythonVenv, runThenStop, startThrowawayStack, type Stops } from '../local-stack/throwaway-stack';

const ROOT = path.resolve(__dirname, '../..');
const VENV = path.join(ROOT, '.data', 'contract-venv');
const ST = path.join(VENV, 'bin', 'st');
const SCHEMATHESIS = '4.32.5';
const OUT = path.resolve(ROOT, process.env.CONTRACT_OUT ?? path.join('.data', 'contract-run'));
const ACCOUNT = 'contract';

const log = (msg: string) => console.log(`[contract] ${msg}`);
const stops: Stops = [];

/** Something to assign when the fuzzer adds users: seats, deskphones, numbers. */
async function seedInventory(db: Db): Promise<void> {
  await db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ($1, 'ringex', 50) ON CONFLICT DO NOTHING`, [ACCOUNT]);
  await db.query(`INSERT INTO deskphone_inventory (id, account_id, model) VALUES ('DP-100', $1, 'poly-vvx-250'), ('DP-101', $1, 'yealink-t54w') ON CONFLICT DO NOTHING`, [ACCOUNT]);
  await db.query(
    `INSERT INTO phone_numbers (number, account_id, region, area_code, status) VALUES ('+16505550100', $1, 'CA', '650', 'available'), ('+16505550101', $1, 'CA', '650', 'available')
     ON CONFLICT DO NOTHING`,
    [ACCOUNT],
  );
}

async function main() {
  ensurePythonVenv({ venv: VENV, packages: [`schemathesis==${SCHEMATHESIS}`], log });
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const started = Date.now();

  const unlimited = 1_000_000_000;
  const { db, baseUrl } = await startThrowawayStack({
    name: 'contract', out: OUT, log, stops, workerPoolMax: 30,
    // The run tests the contract, not the limiter.
    app: { rateLimits: { apiPerMinute: unlimited, signupSubmitsPerMinute: unlimited, signupViewsPerMinute: unlimited } },
  });
  const helperPort = await freePort();

  const account = await createAccountWithSuperAdmin(db, {
    id: ACCOUNT, name: 'Contract Co', companyDomains: ['contract.test'], plan: 'ringex',
    superAdmin: { email: 'boss@contract.test', firstName: 'Cora', lastName: 'Contract' },
  });
  await seedInventory(db);

  // The run may revoke the credential it uses (DELETE /credentials/{id} is tested like any other
  // operation): this helper always hands out one that works, issuing a new one when needed.
  const credentials = createCredentialService({ db });
  let current = { id: '', secret: account.credential };
  ({ id: current.id } = (await db.query<{ id: string }>(`SELECT id FROM api_credentials WHERE account_id = $1`, [ACCOUNT])).rows[0]!);
  let reissued = 0;
  const helper = http.createServer((_req, res) => {
    void (async () => {
      const { rows } = await db.query<{ revoked: boolean }>(`SELECT revoked_at IS NOT NULL AS revoked FROM api_credentials WHERE id = $1`, [current.id]);
      if (rows[0]?.revoked !== false) {
        current = await credentials.issue(ACCOUNT, account.superAdminId, 'contract');
        reissued++;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ credential: current.secret }));
    })().catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((r) => helper.listen(helperPort, '127.0.0.1', r));
  stops.push(() => new Promise((r) => helper.close(r)));
  log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s: API ${baseUrl}, account "${ACCOUNT}"`);

  const seed = process.env.CONTRACT_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
  const args = [
    '--config-file', path.join(__dirname, 'schemathesis.toml'),
    'run', `${baseUrl}/docs/json`,
    '--checks', 'all',
    '--phases', 'examples,coverage,fuzzing,stateful',
    '--max-examples', process.env.CONTRACT_MAX_EXAMPLES ?? '30',
    '--workers', process.env.CONTRACT_WORKERS ?? '1',
    '--continue-on-failure',
    '--seed', seed,
    '--request-timeout', '30',
    '--suppress-health-check', 'too_slow,filter_too_much,data_too_large',
    '--report', 'ndjson',
    '--report-dir', OUT,
    ...(process.env.CONTRACT_MAX_TIME ? ['--max-time', process.env.CONTRACT_MAX_TIME] : []),
  ];
  log(`st ${args.join(' ')}   (seed ${seed}: CONTRACT_SEED=${seed} replays it)`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(ST, args, {
      stdio: 'inherit',
      cwd: OUT, // Schemathesis keeps its cache in the working directory
      env: {
        ...process.env,
        SCHEMATHESIS_HOOKS: 'hooks',
        PYTHONPATH: __dirname,
        PYTHONDONTWRITEBYTECODE: '1',
        CONTRACT_CREDENTIAL_URL: `http://127.0.0.1:${helperPort}/`,
      },
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  log(`schemathesis exited with ${code} after ${((Date.now() - started) / 1000).toFixed(0)} s; credentials re-issued after being revoked: ${reissued}`);
  log(`reports and the API's log are in ${path.relative(ROOT, OUT)}`);
  return code;
}

runThenStop(main, stops);
