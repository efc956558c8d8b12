// The invitation email, in the account's (or invitee's) language.
import { html, type RenderedEmail } from './html';

import type { Locale } from '../domain/locales';

export interface InvitationEmailData {
  locale: Locale;
  inviterName: string;
  companyName: string;
  signupUrl: string;
  expiresAt: Date;
  /** A reminder of a pending invitation (same link). */
  reminder?: boolean;
}

const copy = {
  en: {
    subject: (d: InvitationEmailData) => `${d.inviterName} invited you to join ${d.companyName}`,
    intro: (d: InvitationEmailData) => `${d.inviterName} invited you to join ${d.companyName} to message, meet and call together.`,
    button: 'Create a free account',
    expiry: (when: string) => `This invitation link works until ${when}.`,
    ignore: "If you weren't expecting this, you can ignore this email.",
    dateLocale: 'en-US',
    reminder: 'Reminder: ',
  },
  fr: {
    subject: (d: InvitationEmailData) => `${d.inviterName} vous invite à rejoindre ${d.companyName}`,
    intro: (d: InvitationEmailData) => `${d.inviterName} vous invite à rejoindre ${d.companyName} pour échanger des messages, vous réunir et vous appeler.`,
    button: 'Créer un compte gratuit',
    expiry: (when: string) => `Ce lien d'invitation est valable jusqu'au ${when}.`,
    ignore: "Si vous n'attendiez pas cette invitation, vous pouvez ignorer ce message.",
    dateLocale: 'fr-FR',
    reminder: 'Rappel : ',
  },
} as const;

export function renderInvitationEmail(d: InvitationEmailData): RenderedEmail {
  const c = copy[d.locale];
  const when = d.expiresAt.toLocaleString(c.dateLocale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
  const text = [c.intro(d), '', `${c.button}: ${d.signupUrl}`, '', c.expiry(when), c.ignore].join('\n');
  const body = html`<!doctype html>
<html lang="${d.locale}"><body style="font-family:Arial,sans-serif;color:#1a1a1a">
<p>${c.intro(d)}</p>
<p><a href="${d.signupUrl}" style="display:inline-block;padding:10px 18px;background:#0066cc;color:#fff;text-decoration:none;border-radius:4px">${c.button}</a></p>
<p style="color:#555">${c.expiry(when)}<br>${c.ignore}</p>
</body></html>`;
  return { subject: (d.reminder ? c.reminder : '') + c.subject(d), text, html: body.value, language: d.locale };
}
