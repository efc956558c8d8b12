// "Share invite link via email": the account's shareable link, sent to the given addresses.
import { html, type RenderedEmail } from './html';
import type { Locale } from '../domain/locales';

export function renderInviteLinkEmail(d: { locale: Locale; sharedBy: string; companyName: string; joinUrl: string }): RenderedEmail {
  const fr = d.locale === 'fr';
  const subject = fr ? `${d.sharedBy} vous invite à rejoindre ${d.companyName}` : `${d.sharedBy} invited you to join ${d.companyName}`;
  const intro = fr
    ? `${d.sharedBy} a partagé le lien d'invitation de ${d.companyName}. Créez votre compte gratuit avec votre adresse email :`
    : `${d.sharedBy} shared ${d.companyName}'s invite link with you. Create your free account with your email address:`;
  const button = fr ? 'Rejoindre' : 'Join';
  return {
    language: d.locale,
    subject,
    text: `${intro}\n\n${button}: ${d.joinUrl}\n`,
    html: html`<!doctype html><html lang="${d.locale}"><body style="font-family:Arial,sans-serif"><p>${intro}</p>
<p><a href="${d.joinUrl}" style="display:inline-block;padding:10px 18px;background:#0066cc;color:#fff;text-decoration:none;border-radius:4px">${button}</a></p></body></html>`.value,
  };
}
