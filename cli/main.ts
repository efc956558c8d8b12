// `onboarding`: the admin CLI. It speaks to the API with an account's API key (never to the
// database): invite from a CSV and follow the batch, list and count invitations with the API's
// filters, resend, remind or revoke. Exit codes: 0 success, 2 some rows failed (or the batch was
// cancelled), 1 an error (bad arguments, the API refused, or it could not be reached).
import { writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiError, createApiClient, type ApiClient } from './client';
import { allRows, awaitDeliveries, batchesPath, exitCodeOf, exitCodes, follow, Interrupted, outcomeReport, readInput, type BatchAccepted, type BatchView } from './batches';
import { table } from './table';

export const usage = `Usage: onboarding <command> --account <id> [options]

Commands:
  invite --csv <file|->          Upload a CSV (email or phone, role, license, locale, send at) as one batch
                                 and follow it: progress bar, ETA, then a table of outcomes.
         [--dry-run] [--time-zone <zone>] [--idempotency-key <key>] [--detach] [--report <file>]
         [--delivery-timeout <s>]  once every row has its outcome, wait this long for the messages
                                 to be sent or fail (default 120; 0: do not wait)
  list [filters] [--all]         The account's invitations, newest first (a page, or --all pages)
  summary [filters]              How many invitations stand in each stage
  resend <id>... | [filters]     A new link for each invitation (one id: at once; several, or a filter: as a batch)
  revoke <id>... | [filters]     Revoke each invitation (one id: at once; several, or a filter: as a batch)
  remind <id>... | [filters]     The same link again (once per link), as a batch
         [--ids-file <file|->] [--detach] [--dry-run] [--idempotency-key <key>]
                                 ids one per line, in addition to those given; or, instead of ids,
                                 the list's filters select the invitations (at most 10,000), e.g.
                                 resend --stage expired --created-after 2026-11-01T00:00:00Z
  batch <batchId> [--wait] [--report <file>]   A batch's outcomes (and its report as CSV)
  cancel <batchId>               Cancel a running batch

Filters (as the API's): --stage, --channel, --role, --license (repeat or comma-separate),
  --email, --email-prefix, --phone, --phone-prefix, --invited-by <userId>,
  --created-after, --created-before <ISO instant>, --expiring-within <2d|36h|P2D>, --limit, --cursor

Options:
  -a, --account <id>   the account (or ONBOARDING_ACCOUNT)
  --api-url <url>      the API (or ONBOARDING_API_URL; default http://localhost:3000)
  --token <key>        an API key of the account (or ONBOARDING_TOKEN)
  --json               machine-readable output on stdout
  -h, --help

Exit codes: 0 success, 2 partial failure (some rows failed or were cancelled), 1 error.`;

const options = {
  account: { type: 'string', short: 'a' },
  'api-url': { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  // invite
  csv: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'time-zone': { type: 'string' },
  'idempotency-key': { type: 'string' },
  detach: { type: 'boolean' },
  report: { type: 'string' },
  wait: { type: 'boolean' },
  'delivery-timeout': { type: 'string' },
  'ids-file': { type: 'string' },
  // list filters
  stage: { type: 'string', multiple: true },
  channel: { type: 'string', multiple: true },
  role: { type: 'string', multiple: true },
  license: { type: 'string', multiple: true },
  email: { type: 'string' },
  'email-prefix': { type: 'string' },
  phone: { type: 'string' },
  'phone-prefix': { type: 'string' },
  'invited-by': { type: 'string' },
  'created-after': { type: 'string' },
  'created-before': { type: 'string' },
  'expiring-within': { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true; strict: true }>>['values'];

class UsageError extends Error {}

interface Ctx {
  api: ApiClient;
  accountId: string;
  values: Values;
  args: string[];
  out: (s: string) => void;
  err: (s: string) => void;
}

const accountPath = (c: Ctx) => `/v1/accounts/${encodeURIComponent(c.accountId)}`;

/** The list's and the summary's filters, named as the API names them. */
function filters(v: Values) {
  return {
    stage: v.stage, channel: v.channel, role: v.role, license: v.license, email: v.email, emailPrefix: v['email-prefix'], phone: v.phone,
    phonePrefix: v['phone-prefix'], invitedBy: v['invited-by'], createdAfter: v['created-after'], createdBefore: v['created-before'], expiringWithin: v['expiring-within'],
  };
}

interface ListItem { id: string; invitee: string; channel: string; role: string; license: string | null; stage: string | null; stageSince: string | null; expiresAt: string | null; createdAt: string }

async function list(c: Ctx): Promise<number> {
  const items: ListItem[] = [];
  let cursor = c.values.cursor;
  let nextCursor: string | null = null;
  do {
    const page = await c.api.json<{ items: ListItem[]; nextCursor: string | null }>('GET', `${accountPath(c)}/invitations`, { query: { ...filters(c.values), limit: c.values.limit, cursor } });
    items.push(...page.items);
    nextCursor = page.nextCursor;
    cursor = nextCursor ?? undefined;
  } while (c.values.all && cursor);
  if (c.values.json) c.out(JSON.stringify({ items, nextCursor }, null, 2));
  else {
    c.out(table(['id', 'invitee', 'channel', 'role', 'license', 'stage', 'since', 'expires', 'created'],
      items.map((i) => [i.id, i.invitee, i.channel, i.role, i.license, i.stage ?? '(not recorded)', i.stageSince, i.expiresAt, i.createdAt])));
    c.err(`${items.length} invitation${items.length === 1 ? '' : 's'}${nextCursor ? `; more with --cursor ${nextCursor} (or --all)` : ''}`);
  }
  return exitCodes.ok;
}

async function summary(c: Ctx): Promise<number> {
  const s = await c.api.json<{ total: number; byStage: Record<string, number>; notRecorded: number }>('GET', `${accountPath(c)}/invitations/summary`, { query: filters(c.values) });
  if (c.values.json) c.out(JSON.stringify(s, null, 2));
  else c.out(table(['stage', 'invitations'], [...Object.entries(s.byStage).filter(([, n]) => n > 0), ...(s.notRecorded ? [['(not recorded)', s.notRecorded]] : []), ['total', s.total]]));
  return exitCodes.ok;
}

/** The batch followed to its end (unless --detach), its outcomes printed, the exit code they earn. */
async function followAndReport(c: Ctx, accepted: BatchAccepted & { matched?: number }): Promise<number> {
  if (!accepted.created) c.err(`This upload was accepted before (same Idempotency-Key): following batch ${accepted.batchId}.`);
  if (c.values.detach) {
    if (c.values.json) c.out(JSON.stringify(accepted, null, 2));
    else c.out(`Batch ${accepted.batchId} (${accepted.kind}, ${accepted.rowCount} rows) is running. Follow it with \`onboarding batch ${accepted.batchId} --wait\`.`);
    return exitCodes.ok;
  }
  const ended = await follow(c.api, c.accountId, accepted, { quiet: c.values.json });
  const done = await awaitDeliveries(c.api, c.accountId, ended, { timeoutMs: deliveryTimeoutMs(c), quiet: c.values.json });
  return report(c, accepted.matched === undefined ? done : { ...done, matched: accepted.matched });
}

async function report(c: Ctx, b: BatchView & { matched?: number }): Promise<number> {
  const rows = await allRows(c.api, c.accountId, b.batchId);
  if (c.values.report) {
    await writeFile(c.values.report, await c.api.text('GET', `${batchesPath(c.accountId)}/${b.batchId}/report.csv`));
    c.err(`Report written to ${c.values.report}`);
  }
  if (c.values.json) c.out(JSON.stringify({ ...b, rows, nextCursor: undefined }, null, 2));
  else c.out(outcomeReport(b, rows));
  return b.status === 'running' ? exitCodes.ok : exitCodeOf(b);
}

function deliveryTimeoutMs(c: Ctx): number {
  const s = c.values['delivery-timeout'] === undefined ? 120 : Number(c.values['delivery-timeout']);
  if (!Number.isFinite(s) || s < 0) throw new UsageError('--delivery-timeout is a number of seconds (0: do not wait for deliveries)');
  return s * 1_000;
}

async function invite(c: Ctx): Promise<number> {
  if (!c.values.csv) throw new UsageError('invite needs --csv <file> (or --csv - for standard input)');
  const csv = await readInput(c.values.csv);
  const headers: Record<string, string> = c.values['idempotency-key'] ? { 'idempotency-key': c.values['idempotency-key'] } : {};
  const query = { dryRun: c.values['dry-run'] ? 'true' : undefined, timeZone: c.values['time-zone'] };
  const res = await c.api.json<BatchAccepted | Record<string, unknown>>('POST', batchesPath(c.accountId), { csv, query, headers });
  if ('dryRun' in res) {
    if (c.values.json) c.out(JSON.stringify(res, null, 2));
    else c.out(table(['dry run', ''], Object.entries(res).filter(([k]) => k !== 'dryRun').map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v])));
    return exitCodes.ok;
  }
  return followAndReport(c, res as BatchAccepted);
}

async function idsOf(c: Ctx): Promise<string[]> {
  const fromFile = c.values['ids-file'] ? (await readInput(c.values['ids-file'])).split(/\r?\n/).map((s) => s.trim()).filter(Boolean) : [];
  return [...c.args, ...fromFile];
}

/** The list filters given on the command line (none: undefined), as the API's bulk `filter` takes them. */
function filterOf(c: Ctx): Record<string, string | string[]> | undefined {
  const given = Object.entries(filters(c.values)).filter((e): e is [string, string | string[]] => e[1] !== undefined);
  return given.length > 0 ? Object.fromEntries(given) : undefined;
}

async function act(c: Ctx, action: 'resend' | 'revoke' | 'remind'): Promise<number> {
  const ids = await idsOf(c);
  const filter = filterOf(c);
  if (ids.length > 0 && filter) throw new UsageError(`${action} takes invitation ids or list filters (--stage, --email-prefix, …), not both`);
  if (ids.length === 0 && !filter) throw new UsageError(`name at least one invitation id (or --ids-file <file|->), or select them with the list's filters (e.g. ${action} --stage ${action === 'remind' ? 'awaiting_signup' : 'expired'})`);
  if (ids.length === 1 && action !== 'remind' && !c.values['dry-run']) {
    // One invitation: its own route, answered at once.
    const path = `${accountPath(c)}/invitations/${encodeURIComponent(ids[0]!)}${action === 'resend' ? '/resend' : ''}`;
    const v = await c.api.json<{ id: string; invitee: string; stage: string; expiresAt?: string }>(action === 'resend' ? 'POST' : 'DELETE', path);
    if (c.values.json) c.out(JSON.stringify(v, null, 2));
    else c.out(table(['id', 'invitee', 'stage', 'expires'], [[v.id, v.invitee, v.stage, v.expiresAt]]));
    return exitCodes.ok;
  }
  const headers: Record<string, string> = c.values['idempotency-key'] ? { 'idempotency-key': c.values['idempotency-key'] } : {};
  const res = await c.api.json<(BatchAccepted | { dryRun: true; rows: number }) & { matched?: number }>('POST', batchesPath(c.accountId), {
    json: filter ? { action, filter } : { action, invitationIds: ids }, query: { dryRun: c.values['dry-run'] ? 'true' : undefined }, headers,
  });
  if ('dryRun' in res) {
    if (c.values.json) c.out(JSON.stringify(res, null, 2));
    else c.out(`Dry run: ${action} would ask ${res.rows} invitation${res.rows === 1 ? '' : 's'}${filter ? ' (selected by the filter)' : ''}; nothing was done.`);
    return exitCodes.ok;
  }
  if (res.matched !== undefined && !c.values.json) c.err(`The filter selected ${res.matched} invitation${res.matched === 1 ? '' : 's'}.`);
  return followAndReport(c, res);
}

async function batch(c: Ctx, cancel: boolean): Promise<number> {
  const batchId = c.args[0];
  if (!batchId || c.args.length > 1) throw new UsageError(`${cancel ? 'cancel' : 'batch'} takes one batch id`);
  const path = `${batchesPath(c.accountId)}/${encodeURIComponent(batchId)}`;
  const b = cancel ? await c.api.json<BatchView>('POST', `${path}/cancel`) : await c.api.json<BatchView>('GET', path, { query: { limit: 1 } });
  if (c.values.wait && b.status === 'running') {
    const ended = await follow(c.api, c.accountId, b, { quiet: c.values.json });
    return report(c, await awaitDeliveries(c.api, c.accountId, ended, { timeoutMs: deliveryTimeoutMs(c), quiet: c.values.json }));
  }
  return report(c, b);
}

const commands: Record<string, (c: Ctx) => Promise<number>> = {
  invite, list, summary,
  resend: (c) => act(c, 'resend'), revoke: (c) => act(c, 'revoke'), remind: (c) => act(c, 'remind'),
  batch: (c) => batch(c, false), cancel: (c) => batch(c, true),
};

export interface Io { out: (s: string) => void; err: (s: string) => void }
const stdio: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = stdio): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    const [command, ...args] = positionals;
    if (values.help || !command) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.error;
    }
    const run = commands[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    if (!['resend', 'revoke', 'remind', 'batch', 'cancel'].includes(command) && args.length > 0) throw new UsageError(`${command} takes no arguments besides options (got "${args.join(' ')}")`);
    const accountId = values.account ?? env.ONBOARDING_ACCOUNT;
    if (!accountId) throw new UsageError('name the account: --account <id> (or ONBOARDING_ACCOUNT)');
    const token = values.token ?? env.ONBOARDING_TOKEN;
    if (!token) throw new UsageError('give an API key: --token <key> (or ONBOARDING_TOKEN)');
    const api = createApiClient({ apiUrl: values['api-url'] ?? env.ONBOARDING_API_URL ?? 'http://localhost:3000', token });
    return await run({ api, accountId, values, args, ...io });
  } catch (err) {
    if (err instanceof ApiError) {
      io.err(`error: ${err.message}`);
      const listed = err.problem?.errors ?? [];
      for (const e of listed.slice(0, 50)) io.err(`  ${e.line !== undefined ? `line ${e.line}: ` : ''}${e.field ? `${e.field}: ` : ''}${e.message}`);
      const count = err.problem?.errorCount ?? listed.length;
      if (count > 50) io.err(`  … ${count - 50} more`);
    } else if (err instanceof Interrupted) {
      io.err(err.message);
      return 130;
    } else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`error: ${(err as Error).message}\nRun \`onboarding --help\` for the commands and options.`);
    } else if ((err as { code?: string }).code === 'ENOENT') {
      io.err(`error: ${(err as Error).message}`);
    } else {
      io.err(`error: ${(err as Error).stack ?? String(err)}`);
    }
    return exitCodes.error;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
