// The support runbook in the README is run as written, with the real `temporal` CLI against the
// real server, after seeding the situations it is about.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { invalidNumberFault } from '../../scripts/local-stack/twilio-endpoint';
import { findOrBuildTemporalCli } from '../../scripts/local-stack/temporal-cli';
import { newUser } from '../support/provisioning-requests';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { testStackEnv } from '../support/stack-env';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const run = promisify(execFile);
let stack: TestStack;
beforeAll(async () => {
  // acme's Super Admin stands in for support staff: the queries' answers go through the codec endpoint.
  stack = await startTestStack({ account: { plan: 'video_pro_plus', companyDomains: ['acme.com'] }, codecSupportAccounts: ['acme'] });
});
afterAll(() => stack?.stop());

/** The `temporal ...` commands of the README's "Support runbook" code block, as argument lists. */
function runbookCommands(): string[][] {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Support runbook'), readme.indexOf('### Stalled activations'));
  return section
    .split('\n')
    .filter((l) => l.startsWith('temporal '))
    .map((l) => [...l.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!).slice(1));
}

test('every runbook command answers its question', async () => {
  const post = (body: object) => stack.api('POST', '/v1/accounts/acme/invitations', { body });
  await post({ channel: 'email', emails: 'ana@acme.com' });
  await post({ channel: 'email', emails: 'pat@acme.com' });
  await submitSignup(linkInMail(await stack.inbox.waitFor((m) => m.to.includes('pat@acme.com'))).url, validSignup);
  await stack.api('POST', `/v1/accounts/acme/invitations/${encodeURIComponent('invitation:acme:pat@acme.com')}/license`);
  stack.twilio.setFault((r) => (r.form.To?.[0] === '+14155550123' ? invalidNumberFault('+14155550123') : undefined));
  await post({ channel: 'text', phone: '+1 415 555 0123' });
  // Added by an admin: one user activated later, one whose new number the carrier refuses to sell.
  stack.twilio.setFault((r) =>
    r.form.To?.[0] === '+14155550123' ? invalidNumberFault('+14155550123')
      : r.method === 'POST' && r.path.endsWith('/IncomingPhoneNumbers.json') ? { status: 400, body: { code: 21422, message: 'PhoneNumber requested is not available', status: 400 } }
        : undefined);
  const users = [newUser('kim@acme.com'), newUser('refused@acme.com', { number: { option: 'new', region: 'NY', areaCode: '212' }, userType: 'ringex', setup: { option: 'send_invite' } })];
  const quoted = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users } });
  const confirmed = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users, quoteId: quoted.body.quote.id, acknowledgeCharges: true } });
  expect(confirmed.status).toBe(202);

  const cli = findOrBuildTemporalCli()!;
  const commands = runbookCommands();
  expect(commands.length).toBeGreaterThanOrEqual(6);
  // The README's codec endpoint and $TOKEN, for this stack's.
  const here = (args: string[]) => args.map((a) => a.replace('http://localhost:3000', stack.baseUrl).replace('$TOKEN', stack.account.credential));
  const answer = async (args: string[]) => {
    const { stdout } = await run(cli, [...here(args), '--address', testStackEnv().temporalAddress, '--output', 'json'], { maxBuffer: 256 * 1024 * 1024 }); // the whole suite's workflows share this server
    return stdout;
  };
  const expected: Array<[RegExp, string[]]> = [
    [/InviteeEmail = "ana@acme.com"/, ['invitation:acme:ana@acme.com']],
    [/--workflow-id invitation:acme:ana@acme.com/, ['awaiting_signup']],
    [/OnboardingStage = "license_pending"/, ['invitation:acme:pat@acme.com']],
    [/InviteePhone = "\+14155550123"/, ['invitation:acme:+14155550123']],
    [/--workflow-id invitation:acme:\+14155550123/, ['delivery_failed', 'not a valid phone number']],
    [/OnboardingStageSince </, ['invitation:acme:ana@acme.com']],
    [/OnboardingChannel = "admin" AND OnboardingStage = "failed"/, [`${confirmed.body.workflowId}:user-2`]],
    [/OnboardingChannel = "admin" AND OnboardingStage = "awaiting_activation"/, [`${confirmed.body.workflowId}:user-1`]],
  ];
  for (const args of commands) {
    const line = args.join(' ');
    const wanted = expected.find(([re]) => re.test(line));
    expect({ line, known: !!wanted }).toEqual({ line, known: true });
    // Visibility catches up within moments of a stage change.
    await eventually(async () => {
      const out = await answer(args);
      return wanted![1].every((w) => out.includes(w));
    }, 15_000, line);
  }
  stack.twilio.setFault(undefined);
});
