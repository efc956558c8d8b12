// The admin CLI (cli/) against the running stack, as a person runs it: the installed bin as a
// child process, speaking to the API with the account's API key. Lists with filters, a revoke,
// an unknown account; and, where invitation batches are served, a CSV upload followed to its
// table of outcomes with the exit code it earns.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { exitCodes } from '../../cli/batches';
import type { main } from '../../cli/main'; // typechecks cli/ with the project
import { eventually, startTestStack, type TestStack } from '../support/stack';

const BIN = path.join(__dirname, '../../cli/bin.js');
const batchesServed = existsSync(path.join(__dirname, '../../api/routes/v1/accounts/invitation-batches'));

let stack: TestStack;
let dir: string;
const rejected = new Set<string>();
beforeAll(async () => {
  stack = await startTestStack({ rejectRecipient: (a) => rejected.has(a) });
  dir = await mkdtemp(path.join(tmpdir(), 'cli-test-'));
});
afterAll(() => stack?.stop());

interface Run { code: number; stdout: string; stderr: string }
type Code = (typeof exitCodes)[keyof typeof exitCodes];

/** The CLI as a child process (never blocking this process: the API answers from it). */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run & { code: Code }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ONBOARDING_API_URL: stack.baseUrl, ONBOARDING_TOKEN: stack.account.credential, ONBOARDING_ACCOUNT: stack.account.id, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: (err ? (typeof err.code === 'number' ? err.code : -1) : 0) as Code, stdout, stderr });
    });
  });
}

async function invite(emails: string[]): Promise<string[]> {
  const res = await stack.api('POST', `/v1/accounts/${stack.account.id}/invitations`, { body: { channel: 'email', emails } });
  expect(res.status).toBe(201);
  return res.body.invitations.map((i: { id: string }) => i.id);
}

const listed = async (ids: string[]) => {
  const res = await stack.api('GET', `/v1/accounts/${stack.account.id}/invitations?limit=200`);
  return ids.every((id) => res.body.items.some((i: any) => i.id === id && i.stage === 'awaiting_signup'));
};

test('list --json with filters returns the matching rows, as the API does', async () => {
  const ids = await invite(['cli-ana@acme.test', 'cli-anabel@acme.test', 'cli-bob@acme.test']);
  await eventually(() => listed(ids), 30_000, 'the invitations in the list');

  const prefix = await cli(['list', '--json', '--email-prefix', 'cli-ana', '--stage', 'awaiting_signup']);
  expect(prefix).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(prefix.stdout).items.map((i: any) => i.invitee).sort()).toEqual(['cli-ana@acme.test', 'cli-anabel@acme.test']);

  const exact = await cli(['list', '--json', '--email', 'CLI-BOB@acme.test', '--channel', 'email,text']);
  expect(JSON.parse(exact.stdout).items.map((i: any) => i.id)).toEqual([ids[2]]);

  // A page at a time, and every page with --all.
  const page = JSON.parse((await cli(['list', '--json', '--email-prefix', 'cli-', '--limit', '2'])).stdout);
  expect(page.items).toHaveLength(2);
  expect(page.nextCursor).toEqual(expect.any(String));
  const all = JSON.parse((await cli(['list', '--json', '--email-prefix', 'cli-', '--limit', '2', '--all'])).stdout);
  expect(all.items.map((i: any) => i.id).sort()).toEqual([...ids].sort());

  // The table, for a person.
  const tableRun = await cli(['list', '--email-prefix', 'cli-ana']);
  expect(tableRun.code).toBe(0);
  expect(tableRun.stdout.split('\n')[0]).toMatch(/^ID\s+INVITEE\s+CHANNEL/);
  expect(tableRun.stdout).toContain('cli-anabel@acme.test');
  expect(tableRun.stderr).toContain('2 invitations');

  // A filter the API refuses: its words, exit 1.
  const bad = await cli(['list', '--stage', 'sleeping']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/^error: 400 /);
}, 90_000);

test('revoke <id> exits 0 and the invitation is revoked', async () => {
  const [id] = await invite(['cli-revoke@acme.test']);
  await eventually(() => listed([id!]), 30_000, 'the invitation in the list');
  const run = await cli(['revoke', id!, '--json']);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ id, stage: 'revoked' });
  expect((await stack.api('GET', `/v1/accounts/${stack.account.id}/invitations/${encodeURIComponent(id!)}`)).body.stage).toBe('revoked');
  // Twice: the API's refusal, exit 1.
  const again = await cli(['revoke', id!]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^error: 409 /);
}, 60_000);

test('an unknown account, a missing key, a wrong key and bad arguments exit 1 with a clear message', async () => {
  const unknown = await cli(['list', '--account', 'no-such-account']);
  expect(unknown).toMatchObject({ code: 1, stdout: '' });
  expect(unknown.stderr).toMatch(/^error: 404 Not found: Account no-such-account was not found\. \(Or the API key/);
  expect((await cli(['list'], { ONBOARDING_TOKEN: '' })).stderr).toContain('give an API key');
  expect((await cli(['list', '--token', 'not-a-key'])).stderr).toMatch(/^error: 401 .*Check the API key/);
  expect((await cli(['list', '--stages', 'expired'])).stderr).toContain("Unknown option '--stages'");
  expect((await cli(['frobnicate'])).code).toBe(1);
  const down = await cli(['list', '--api-url', 'http://127.0.0.1:9']);
  expect(down).toMatchObject({ code: 1 });
  expect(down.stderr).toContain('Cannot reach the API at http://127.0.0.1:9');
}, 60_000);

(batchesServed ? describe : describe.skip)('with invitation batches', () => {
  test('invite --csv of 20 rows: exit 0 and a table whose counts match; a row that fails gives exit 2', async () => {
    await stack.db.query(`UPDATE accounts SET batch_messages_per_minute = 100000 WHERE id = $1`, [stack.account.id]);
    const emails = Array.from({ length: 20 }, (_, i) => `cli-batch${i}@acme.test`);
    const file = path.join(dir, 'people.csv');
    await writeFile(file, ['email,role', ...emails.map((e, i) => `${e},${i === 0 ? 'admin' : 'user'}`)].join('\n') + '\n');
    const run = await cli(['invite', '--csv', file]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: completed, 20 rows/);
    expect(run.stdout).toMatch(/^started\s+20$/m);
    expect(run.stdout).toMatch(/^emails\/texts sent\s+20$/m);
    expect(run.stdout).toMatch(/^total\s+20$/m);
    expect(run.stdout).not.toContain('did not go through');

    // Again as JSON, one row already invited and one address the mail server refuses for good.
    rejected.add('cli-bounce@acme.test');
    await writeFile(file, 'email\ncli-batch0@acme.test\ncli-bounce@acme.test\ncli-fine@acme.test\n');
    const partial = await cli(['invite', '--csv', file, '--json']);
    expect(partial.code).toBe(2);
    const b = JSON.parse(partial.stdout);
    expect(b.totals).toMatchObject({ accepted: 3, started: 2, alreadyInvited: 1, sent: 1, failed: 1 });
    expect(b.rows.find((r: any) => r.invitee === 'cli-bounce@acme.test')).toMatchObject({ outcome: 'started', delivery: 'failed' });

    // A CSV the API refuses: every problem with its line, exit 1.
    await writeFile(file, 'email\nnot-an-address\n');
    const refused = await cli(['invite', '--csv', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 2: /);
  }, 150_000);

  test('remind and revoke several invitations through a bulk batch', async () => {
    const ids = await invite(['cli-bulk1@acme.test', 'cli-bulk2@acme.test']);
    await eventually(() => listed(ids), 30_000, 'the invitations in the list');
    const remind = await cli(['remind', ...ids]);
    expect(remind.code).toBe(0);
    expect(remind.stdout).toMatch(/^done\s+2$/m);
    const revoke = await cli(['revoke', ...ids, '--json']);
    expect(revoke.code).toBe(0);
    expect(JSON.parse(revoke.stdout).totals).toMatchObject({ done: 2 });
  }, 90_000);

  test('remind and revoke by the list\'s filters: a dry run counts, the batch says how many it selected', async () => {
    const ids = await invite(['cli-filter1@acme.test', 'cli-filter2@acme.test', 'cli-other@acme.test']);
    await eventually(() => listed(ids), 30_000, 'the invitations in the list');
    const dry = await cli(['remind', '--email-prefix', 'cli-filter', '--stage', 'awaiting_signup', '--dry-run']);
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout).toContain('Dry run: remind would ask 2 invitations (selected by the filter); nothing was done.');

    const remind = await cli(['remind', '--email-prefix', 'cli-filter', '--stage', 'awaiting_signup']);
    expect(remind.code).toBe(0);
    expect(remind.stderr).toContain('The filter selected 2 invitations.');
    expect(remind.stdout).toMatch(/^done\s+2$/m);
    await eventually(async () => ['cli-filter1@acme.test', 'cli-filter2@acme.test'].every((e) => stack.inbox.messages.filter((m) => m.to[0] === e).length === 2), 20_000, 'the reminders');

    const revoke = await cli(['revoke', '--email-prefix', 'cli-filter', '--json']);
    expect(revoke.code).toBe(0);
    expect(JSON.parse(revoke.stdout)).toMatchObject({ matched: 2, totals: { accepted: 2, done: 2 } });
    for (const id of ids.slice(0, 2)) expect((await stack.api('GET', `/v1/accounts/${stack.account.id}/invitations/${encodeURIComponent(id)}`)).body.stage).toBe('revoked');
    expect((await stack.api('GET', `/v1/accounts/${stack.account.id}/invitations/${encodeURIComponent(ids[2]!)}`)).body.stage).toBe('awaiting_signup');

    // Nothing left to select, ids and a filter together, neither: exit 1 with the reason.
    const none = await cli(['revoke', '--email-prefix', 'cli-filter', '--stage', 'awaiting_signup']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: 409 .*selects no invitation/);
    expect((await cli(['revoke', ids[2]!, '--stage', 'expired'])).stderr).toContain('not both');
    expect((await cli(['resend'])).stderr).toContain('resend --stage expired');
  }, 90_000);
});

// Unused at run time: keeps the CLI's entry in the typecheck.
export type { main };
