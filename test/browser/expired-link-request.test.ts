// An expired invitation link in a real Chromium (test/support/browser.ts): the invitee opens it from
// the email, presses "Ask for a new invitation" and sees the confirmation; an admin approves the
// request through the API; the new email's button opens the signup form. Screenshots land in
// test/artifacts/ (relink-*.png) for a human to look at.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ReceivedMail } from '../../scripts/local-stack/mail-inbox';
import { launchBrowser } from '../support/browser';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

let stack: TestStack;
let browser: Browser;
beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // Links live eight seconds: long enough to open the new one, short enough to wait for the first to expire.
  stack = await startTestStack({ account: { invitationLifetimeSeconds: 8 } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The email as the person sees it, and its button clicked. */
async function openFromEmail(page: Page, mail: ReceivedMail): Promise<void> {
  await page.setContent(mail.html);
  await Promise.all([page.waitForURL(/\/signup\//), page.getByRole('link', { name: 'Create a free account' }).click()]);
}

test('an expired link asks for a new invitation, an admin approves, and the new link opens the signup form', async () => {
  const email = 'expired-browser@acme.test';
  const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: email } });
  const id = res.body.invitations[0].id;
  const first = await stack.inbox.waitFor((m) => m.to.includes(email));
  await eventually(async () => (await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`)).body.stage === 'expired', 30_000, 'expiry');

  const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
  await openFromEmail(page, first);
  await page.getByRole('heading', { name: 'Invitation link not usable' }).waitFor();
  await page.getByText('This invitation link has expired.').waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'relink-1-expired-link.png'), fullPage: true });
  // Opening it recorded nothing.
  expect((await stack.db.query(`SELECT 1 FROM invitation_requests`)).rows).toHaveLength(0);

  await Promise.all([page.waitForURL(/\/invitation-request$/), page.getByRole('button', { name: 'Ask for a new invitation' }).click()]);
  await page.getByRole('heading', { name: 'Request sent' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'relink-2-request-sent.png'), fullPage: true });

  // The admin hears of it by email, finds it in the list and approves it.
  await stack.inbox.waitFor((m) => m.to.includes('boss@acme.test') && m.subject.startsWith(`${email} asks for a new invitation`));
  const request = await eventually(async () => {
    const list = await stack.api('GET', '/v1/accounts/acme/invitation-requests?status=pending');
    return list.body.invitationRequests.find((r: { invitationId: string; invitationStage: string | null }) => r.invitationId === id && r.invitationStage === 'expired');
  });
  const approved = await stack.api('POST', `/v1/accounts/acme/invitation-requests/${request.id}/approval`);
  expect(approved.body).toMatchObject({ status: 'approved', outcome: 'resent' });

  const second = await eventually(async () => stack.inbox.messages.filter((m) => m.to.includes(email))[1]);
  await openFromEmail(page, second);
  await page.getByRole('heading', { name: 'Join Acme Corp' }).waitFor();
  expect(await page.getByLabel('Date of birth').isVisible()).toBe(true);
  await page.screenshot({ path: path.join(ARTIFACTS, 'relink-3-new-link-signup-form.png'), fullPage: true });
});
