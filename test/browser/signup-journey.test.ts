// The whole journey a person makes, in a real Chromium (test/support/browser.ts): the invitation
// email received over SMTP is opened, its button clicked, the form filled (first wrongly, then
// rightly), and the account is activated. Screenshots land in test/artifacts/ for a human to look at.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { inviteByEmail } from '../support/invitee';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

let stack: TestStack;
let browser: Browser;
beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startTestStack();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('from the email to an active account, in a real browser', async () => {
  const { id, mail } = await inviteByEmail(stack, 'browser@acme.test');

  const page = await browser.newPage({ viewport: { width: 800, height: 1000 } });
  // The email as the person sees it, and its button clicked.
  await page.setContent(mail.html);
  await page.screenshot({ path: path.join(ARTIFACTS, '1-invitation-email.png') });
  await Promise.all([page.waitForURL(/\/signup\//), page.getByRole('link', { name: 'Create a free account' }).click()]);
  await page.getByRole('heading', { name: 'Join Acme Corp' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, '2-signup-form.png'), fullPage: true });

  // Too young, and the boxes left unchecked: every error next to its field, nothing consumed.
  const fifteen = new Date();
  fifteen.setUTCFullYear(fifteen.getUTCFullYear() - 15);
  await page.getByLabel('Date of birth').fill(fifteen.toISOString().slice(0, 10));
  await page.getByLabel('First name').fill('Bruno');
  await page.getByLabel('Last name').fill('Wser');
  await page.getByLabel('Password', { exact: true }).fill('chromium rocks 1');
  await page.getByLabel('Confirm password').fill('chromium rocks 1');
  await page.getByRole('button', { name: 'Create your free account' }).click();
  await page.getByRole('alert').waitFor();
  const dob = page.getByLabel('Date of birth');
  expect(await dob.getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator(`#${await dob.getAttribute('aria-describedby')}`).textContent()).toContain('at least 16 years old');
  expect(await page.getByLabel('I accept the Terms of Service').getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByLabel('First name').inputValue()).toBe('Bruno');
  await page.screenshot({ path: path.join(ARTIFACTS, '3-signup-errors.png'), fullPage: true });

  await page.getByLabel('Date of birth').fill('1994-02-11');
  await page.getByLabel('Password', { exact: true }).fill('chromium rocks 1');
  await page.getByLabel('Confirm password').fill('chromium rocks 1');
  await page.getByLabel('I accept the Terms of Service').check();
  await page.getByLabel('I accept the Privacy Notice').check();
  await page.getByLabel('I accept the Acceptable Use Policy').check();
  await page.getByRole('button', { name: 'Create your free account' }).click();
  await page.getByRole('heading', { name: 'Your account is ready' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, '4-account-ready.png'), fullPage: true });

  await eventually(async () => (await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`)).body.stage === 'activated');
  const { rows } = await stack.db.query(`SELECT first_name, last_name, status FROM users WHERE email = 'browser@acme.test'`);
  expect(rows[0]).toEqual({ first_name: 'Bruno', last_name: 'Wser', status: 'active' });

  // The link from the email again: it says it was used, and how to get a new invitation.
  await page.goto(/href="([^"]+\/signup\/[^"]+)"/.exec(mail.html)![1]!);
  await page.getByText('This invitation has already been used').waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, '5-link-used.png') });
});
