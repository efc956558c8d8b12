// What an invitee does: find the link in a message, open it, submit the signup form (as a browser
// posts it: application/x-www-form-urlencoded).
import type { MailInbox, ReceivedMail } from '../../scripts/local-stack/mail-inbox';
import type { ApiCall } from './api-calls';

export function signupLinkIn(text: string): { url: string; token: string } {
  const m = /(https?:\/\/\S+\/signup\/)([A-Za-z0-9_-]+)/.exec(text);
  if (!m) throw new Error(`no signup link in: ${text.slice(0, 300)}`);
  return { url: m[1]! + m[2]!, token: m[2]! };
}

export const linkInMail = (mail: ReceivedMail) => signupLinkIn(mail.text);

/** The link in the `nth` email (from 1) to `to`, once it has arrived: e.g. the new link after a resend. */
export async function linkInNthMailTo(inbox: MailInbox, to: string, nth: number): Promise<{ url: string; token: string }> {
  const toThem = (m: ReceivedMail) => m.to.includes(to);
  return linkInMail(await inbox.waitFor((m) => toThem(m) && inbox.messages.filter(toThem).indexOf(m) === nth - 1));
}

export const validSignup = {
  dateOfBirth: '1990-05-17',
  firstName: 'Ana',
  lastName: 'Lopez',
  companyName: '',
  password: 'correct horse 42',
  passwordConfirmation: 'correct horse 42',
  acceptTerms: 'yes',
  acceptPrivacy: 'yes',
  acceptAcceptableUse: 'yes',
};

export async function submitSignup(url: string, fields: Record<string, string | undefined>): Promise<{ status: number; html: string }> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
  const res = await fetch(url, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, html: await res.text() };
}

/** Invites `email` by email into `accountId` with the stack's default credential: the invitation's id and the email it got. */
export async function inviteByEmail(stack: { api: ApiCall; inbox: MailInbox }, email: string, accountId = 'acme'): Promise<{ id: string; mail: ReceivedMail }> {
  const res = await stack.api('POST', `/v1/accounts/${accountId}/invitations`, { body: { channel: 'email', emails: email } });
  if (res.status !== 201) throw new Error(`inviting ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  const id: string = res.body.invitations[0].id;
  return { id, mail: await stack.inbox.waitFor((m) => m.to.includes(email)) };
}

/** Opens a link `times` times in a row, as a mail scanner and then the person would: each answer's status and page. */
export async function openLink(url: string, times: number): Promise<Array<{ status: number; html: string }>> {
  const pages: Array<{ status: number; html: string }> = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(url);
    pages.push({ status: res.status, html: await res.text() });
  }
  return pages;
}

/** A date of birth that makes someone exactly `years` old today (UTC), minus `plusDays` days. */
export function birthDateForAge(years: number, plusDays = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString().slice(0, 10);
}
