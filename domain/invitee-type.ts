// Who an invitee is to the company, decided from the email domain: at invite time for email
// invitations, at signup for text and invite-link invitations (the address they sign up with).
// Admins invited as admins, co-workers on one of the company's domains, guests otherwise.
// Webmail domains are never company domains, so people there are always guests.
export type InviteeType = 'admin' | 'coworker' | 'guest';

export const WEBMAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'hotmail.com', 'hotmail.fr', 'outlook.com',
  'live.com', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mail.com', 'gmx.com', 'gmx.de', 'proton.me', 'protonmail.com',
  'yandex.com', 'zoho.com', 'orange.fr', 'free.fr', 'laposte.net',
]);

export function inviteeTypeFor(email: string, companyDomains: string[], invitedAsAdmin: boolean): InviteeType {
  if (invitedAsAdmin) return 'admin';
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  if (WEBMAIL_DOMAINS.has(domain)) return 'guest';
  return companyDomains.some((d) => d.toLowerCase() === domain) ? 'coworker' : 'guest';
}
