import type { Locale } from '../domain/locales';
// The text (SMS/MMS) invitation: the inviter's edited message, or the default one, then the link.

export function defaultInvitationText(locale: Locale, inviterName: string, companyName: string): string {
  return locale === 'fr'
    ? `${inviterName} vous invite à rejoindre ${companyName}. Créez votre compte gratuit :`
    : `${inviterName} invited you to join ${companyName}. Create your free account:`;
}

export function renderInvitationText(d: { locale: Locale; inviterName: string; companyName: string; customMessage?: string | null; reminder?: boolean; signupUrl: string }): string {
  const message = (d.reminder ? (d.locale === 'fr' ? 'Rappel : ' : 'Reminder: ') : '') + (d.customMessage?.trim() || defaultInvitationText(d.locale, d.inviterName, d.companyName));
  return `${message} ${d.signupUrl}`;
}
