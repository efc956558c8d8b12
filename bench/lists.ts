// `npm run bench:lists [-- --rows 100000 --requests 200 --explain]`: how fast the lists answer with
// 100,000 invitations in one account. Seeds the rows straight into a throwaway PostgreSQL (no
// workflows: the read model is what the lists read), with 40,000 more in other accounts and 20,000
// users, serves them through the real API over HTTP, and measures p50/p99 of several filtered
// pages, a page deep behind cursors, and the summaries; then prints EXPLAIN (ANALYZE) of each
// query (`--explain`: the whole plans). Target: p99 ≤ 100 ms for a filtered page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lazyClient, localTemporal } from '../config/temporal';
import { buildApp } from '../api/app';
import { createAccountWithSuperAdmin } from '../api/services/accounts';
import { createDb, type Db } from '../db';
import { pct } from './measure';
import { ensureDatabase } from '../db/databases';
import { migrateToLatest } from '../db/migrate';
import { freePort } from '../scripts/local-stack/ports';
import { startLocalPostgres, throwawayDir } from '../scripts/local-stack/postgres';

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
    explain: { type: 'boolean', default: false },
  },
});
const ROWS = Number(flags.rows);
const REQUESTS = Number(flags.requests);
const log = (m: string) => process.stderr.write(`[bench:lists] ${m}\n`);

const NAMES = ['ana', 'ben', 'chloe', 'dev', 'elif', 'farah', 'gus', 'hana', 'ivan', 'jo', 'kim', 'lee', 'mia', 'noor', 'omar', 'pia', 'quinn', 'raj', 'sara', 'tom', 'uma', 'vic', 'wen', 'xia', 'yusuf', 'zoe'];

/**
 * The rows, as the workflows would have left them: six months of invitations, most activated or
 * waiting for a signup, some expired, revoked, undeliverable, waiting for a license or scheduled;
 * by email mostly, some by text and link; 50 inviters, the Super Admin sending the most.
 */
async function seed(db: Db, accountId: string, rows: number, inviters: string[], seedValue: number) {
  await db.query(`SELECT setseed($1)`, [seedValue]);
  await db.query(
    `WITH r AS (
       SELECT n, random() AS s, random() AS c, random() AS x, random() AS w, random() AS t FROM generate_series(1, $2::int) n),
     shaped AS (
       SELECT n, x, w,
              now() - (t * interval '180 days') AS created_at,
              CASE WHEN c < 0.80 THEN 'email' WHEN c < 0.95 THEN 'text' ELSE 'link' END AS channel,
              CASE WHEN s < 0.35 THEN 'activated' WHEN s < 0.65 THEN 'awaiting_signup' WHEN s < 0.80 THEN 'expired' WHEN s < 0.87 THEN 'revoked'
                   WHEN s < 0.90 THEN 'delivery_failed' WHEN s < 0.93 THEN 'license_pending' WHEN s < 0.96 THEN 'scheduled' WHEN s < 0.97 THEN 'sending' ELSE NULL END AS stage
         FROM r)
     INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_phone, role, invited_by, license, stage, stage_since, expires_at, delivery_failure, created_at)
     SELECT 'invitation:' || $1 || ':' || n, $1, channel,
            CASE WHEN channel <> 'text' THEN ($3::text[])[1 + (n % array_length($3, 1))] || n || '@' || (CASE WHEN x < 0.7 THEN $1 || '.example' ELSE 'gmail.com' END) END,
            CASE WHEN channel = 'text' THEN '+1' || (4150000000 + n)::text END,
            CASE WHEN x < 0.05 THEN 'admin' ELSE 'user' END,
            ($4::uuid[])[CASE WHEN w < 0.4 OR array_length($4, 1) = 1 THEN 1 ELSE 2 + (n % (array_length($4, 1) - 1)) END],
            CASE WHEN x < 0.7 THEN 'video_pro_plus' ELSE 'video_pro' END,
            stage, created_at + interval '1 minute',
            CASE WHEN stage = 'awaiting_signup' THEN now() + (w * interval '14 days') WHEN stage = 'expired' THEN now() - (w * interval '30 days') END,
            CASE WHEN stage = 'delivery_failed' THEN '550 5.1.1 User unknown' END,
            created_at
       FROM shaped`,
    [accountId, rows, NAMES, inviters],
  );
}

async function seedUsers(db: Db, accountId: string, users: number) {
  await db.query(
    `INSERT INTO users (account_id, email, first_name, last_name, role, license, status, extension, phone_number, onboarding_stage, onboarding_stage_since, onboarding_workflow_id, provisioning_workflow_id, created_at)
     SELECT $1, ($3::text[])[1 + (n % array_length($3, 1))] || '.user' || n || '@' || $1 || '.example', 'User', n::text,
            CASE WHEN n % 20 = 0 THEN 'admin' ELSE 'user' END, (ARRAY['ringex', 'video_pro', 'video_pro_plus', 'mobile'])[1 + n % 4],
            CASE WHEN n % 3 = 0 THEN 'not_activated' ELSE 'active' END, 1000 + n, CASE WHEN n % 4 = 0 THEN '+1650' || (5000000 + n)::text END,
            (ARRAY['activated', 'awaiting_activation', 'invited', 'activated', 'license_pending', 'activated'])[1 + n % 6], now() - n * interval '5 minutes',
            'provisioning:' || $1 || ':r:user-' || n, 'provisioning:' || $1 || ':r:user-' || n, now() - n * interval '6 minutes'
       FROM generate_series(1, $2::int) n`,
    [accountId, users, NAMES],
  );
}

interface Scenario {
  name: string;
  path: string;
  /** Follow this many cursors first, and time the page they lead to. */
  deep?: number;
}

/** A page of a list, named by its query string (and a note in parentheses); the users' list says so. */
function listPage(list: 'invitations' | 'users', query: string, note?: string): Scenario {
  return { name: `${list === 'users' ? 'users: ' : ''}${query}${note ? ` (${note})` : ''}`, path: `/${list}?${query}` };
}

async function main() {
  const pgDir = throwawayDir('onboarding-bench-lists-pg-');
  const [pgPort, apiPort] = await Promise.all([freePort(), freePort()]);
  log(`starting PostgreSQL on :${pgPort}`);
  const pg = await startLocalPostgres({ dataDir: path.join(pgDir, 'data'), port: pgPort, persistent: false });
  const stopAll: Array<() => Promise<unknown>> = [() => pg.stop(), async () => fs.rmSync(pgDir, { recursive: true, force: true })];
  try {
    await ensureDatabase(pg.adminUrl, 'bench_lists');
    await migrateToLatest(pg.urlFor('bench_lists'));
    const pool = createDb(pg.urlFor('bench_lists'), { max: 10 });
    stopAll.unshift(() => pool.end());

    // The list queries the API sends, kept to EXPLAIN them afterwards.
    let lastListQuery: { text: string; values: unknown[] } | undefined;
    const db = new Proxy(pool, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver);
        return (text: string, values: unknown[]) => {
          if (typeof text === 'string' && /keyset_created_at|GROUP BY/.test(text)) lastListQuery = { text, values };
          return target.query(text, values);
        };
      },
    }) as Db;

    log(`seeding ${ROWS} invitations in account "big", ${Math.round(ROWS * 0.4)} in 8 other accounts, 20000 users`);
    let t = performance.now();
    const big = await createAccountWithSuperAdmin(pool, { id: 'big', name: 'Big Co', companyDomains: ['big.example'], plan: 'video_pro_plus', superAdmin: { email: 'boss@big.example', firstName: 'Bo', lastName: 'Ss' } });
    const { rows: inviterRows } = await pool.query<{ id: string }>(
      `INSERT INTO users (account_id, email, first_name, last_name, role, status) SELECT 'big', 'inviter' || n || '@big.example', 'Inviter', n::text, 'admin', 'active' FROM generate_series(1, 49) n RETURNING id`,
    );
    const inviters = [big.superAdminId, ...inviterRows.map((r) => r.id)];
    await seed(pool, 'big', ROWS, inviters, 0.42);
    for (let a = 0; a < 8; a++) {
      const other = await createAccountWithSuperAdmin(pool, { id: `other-${a}`, name: `Other ${a}`, companyDomains: [`other-${a}.example`], superAdmin: { email: `boss@other-${a}.example`, firstName: 'O', lastName: String(a) } });
      await seed(pool, other.accountId, Math.round(ROWS * 0.05), [other.superAdminId], a / 10);
    }
    await seedUsers(pool, 'big', 20_000);
    await pool.query('VACUUM ANALYZE');
    log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const { rows: [probe] } = await pool.query<{ email: string; inviter: string }>(
      `SELECT invitee_email AS email, (SELECT invited_by FROM invitations WHERE account_id = 'big' AND invited_by <> $1 LIMIT 1) AS inviter
         FROM invitations WHERE account_id = 'big' AND invitee_email IS NOT NULL ORDER BY id LIMIT 1`,
      [big.superAdminId],
    );
    const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const scenarios: Scenario[] = [
      { name: 'first page, no filter', path: '/invitations' },
      listPage('invitations', 'stage=awaiting_signup'),
      listPage('invitations', 'stage=license_pending', '3%'),
      listPage('invitations', 'stage=expired,revoked'),
      listPage('invitations', 'channel=text'),
      listPage('invitations', 'channel=link&role=admin', '0.25%'),
      listPage('invitations', 'license=video_pro&stage=license_pending'),
      listPage('invitations', 'emailPrefix=ana'),
      listPage('invitations', 'emailPrefix=ana1234'),
      { name: 'email (exact)', path: `/invitations?email=${encodeURIComponent(probe!.email)}` },
      listPage('invitations', 'phonePrefix=%2B141500012'),
      { name: 'invitedBy (one of 49, 1.2%)', path: `/invitations?invitedBy=${probe!.inviter}` },
      { name: 'createdAfter (last 7 days)', path: `/invitations?createdAfter=${since}` },
      listPage('invitations', 'expiringWithin=2d'),
      listPage('invitations', 'expiringWithin=1h'),
      listPage('invitations', 'channel=link&role=super_admin', 'none: all walked'),
      listPage('invitations', 'stage=awaiting_signup&channel=email&limit=200'),
      { name: 'page 50 behind cursors, stage=activated', path: '/invitations?stage=activated', deep: 49 },
      { name: 'summary (counts by stage, all 100k)', path: '/invitations/summary' },
      { name: 'summary with channel=text', path: '/invitations/summary?channel=text' },
      { name: 'users: first page', path: '/users' },
      listPage('users', 'stage=awaiting_activation&license=ringex'),
      listPage('users', 'emailPrefix=kim'),
    ];

    // The real API over HTTP; the lists never reach Temporal (a lazy client that is never used).
    const app = await buildApp({ db, temporal: lazyClient(localTemporal('127.0.0.1:1')), taskQueue: 'bench', invitationTokenSecret: 'x'.repeat(32), publicBaseUrl: 'http://127.0.0.1', rateLimits: { apiPerMinute: 10_000_000 } });
    await app.listen({ port: apiPort, host: '127.0.0.1' });
    stopAll.unshift(() => app.close());
    const get = async (p: string) => {
      const res = await fetch(`http://127.0.0.1:${apiPort}/v1/accounts/big${p}`, { headers: { authorization: `Bearer ${big.credential}` } });
      if (res.status !== 200) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ items?: unknown[]; nextCursor?: string | null; total?: number }>;
    };

    const results: Array<{ name: string; rows: number; p50: number; p99: number; max: number; plan: string[] }> = [];
    for (const s of scenarios) {
      let target = s.path;
      for (let i = 0; i < (s.deep ?? 0); i++) {
        const page = await get(target);
        target = `${s.path}${s.path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(page.nextCursor!)}`;
      }
      for (let i = 0; i < 20; i++) await get(target); // warm up
      const times: number[] = [];
      let body: Awaited<ReturnType<typeof get>> = {};
      for (let i = 0; i < REQUESTS; i++) {
        t = performance.now();
        body = await get(target);
        times.push(performance.now() - t);
      }
      const { text, values } = lastListQuery!;
      const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, values);
      const lines = plan.map((r) => r['QUERY PLAN']);
      results.push({ name: s.name, rows: body.items?.length ?? body.total ?? 0, p50: pct(times, 50), p99: pct(times, 99), max: Math.max(...times), plan: lines });
      log(`${s.name}: p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms`);
    }

    const width = Math.max(...results.map((r) => r.name.length));
    console.log(`\n${ROWS} invitations in one account (${Math.round(ROWS * 1.4)} in all), ${REQUESTS} requests each, one at a time, through the API over HTTP; ${os.cpus().length} cores\n`);
    console.log(`${'list'.padEnd(width)}  rows  p50 ms  p99 ms  max ms  plan (index used)`);
    for (const r of results) {
      const scans = r.plan.join('\n').match(/(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? using \w+ on (?:invitations|users|provisioning_requests)\b|Seq Scan on (?:invitations|users)\b/g) ?? [];
      const indexes = [...new Set(scans.map((s) => s.replace(/^.*using (\w+).*$/, '$1').replace(/^Seq Scan on (\w+)$/, 'seq scan of $1')))].filter((s) => s !== 'users_pkey').join(', ');
      console.log(`${r.name.padEnd(width)}  ${String(r.rows).padStart(4)}  ${r.p50.toFixed(1).padStart(6)}  ${r.p99.toFixed(1).padStart(6)}  ${r.max.toFixed(1).padStart(6)}  ${indexes}`);
    }
    const pages = results.filter((r) => !r.name.includes('summary'));
    const worst = Math.max(...pages.map((r) => r.p99));
    console.log(`\nfiltered pages: worst p99 ${worst.toFixed(1)} ms, target ≤ 100 ms: ${worst <= 100 ? 'met' : 'MISSED'}`);
    if (flags.explain) for (const r of results) console.log(`\n-- ${r.name}\n${r.plan.join('\n')}`);
  } finally {
    for (const stop of stopAll) await stop().catch(() => undefined);
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
