// To an account's admins: an invitee whose link no longer works asked for a new invitation. The
// API is how they decide (approve: one resend; dismiss), so the email says which calls to make.
import { html, type RenderedEmail } from './html';
import type { Locale } from '../domain/locales';

export interface InvitationRequestEmailData {
  locale: Locale;
  adminName: string;
  companyName: string;
  invitee: string;
  /** Where the invitation stood when asked: expired, revoked, delivery_failed; null when it has ended altogether. */
  invitationStage: string | null;
  /** e.g. http://localhost:3000/v1/accounts/acme/invitation-requests/<id> */
  requestUrl: string;
  listUrl: string;
}

const copy = {
  en: {
    subject: (d: InvitationRequestEmailData) => `${d.invitee} asks for a new invitation to ${d.companyName}`,
    greeting: (d: InvitationRequestEmailData) => (d.adminName ? `Hello ${d.adminName},` : 'Hello,'),
    why: (stage: string | null) =>
      ({ expired: 'had expired', revoked: 'was revoked', delivery_failed: 'could not be delivered' })[stage ?? ''] ?? 'no longer works',
    intro: (d: InvitationRequestEmailData, why: string) => `${d.invitee} opened an invitation link to ${d.companyName} that ${why}, and asked for a new invitation.`,
    approve: 'To send a new invitation (a resend; a fresh invitation if the old one was revoked), approve the request:',
    dismiss: 'To leave it, dismiss it:',
    list: 'Every request waiting for a decision:',
  },
  fr: {
    subject: (d: InvitationRequestEmailData) => `${d.invitee} demande une nouvelle invitation à rejoindre ${d.companyName}`,
    greeting: (d: InvitationRequestEmailData) => (d.adminName ? `Bonjour ${d.adminName},` : 'Bonjour,'),
    why: (stage: string | null) =>
      ({ expired: 'avait expiré', revoked: 'avait été révoqué', delivery_failed: "n'avait pas pu être remis" })[stage ?? ''] ?? "n'est plus valable",
    intro: (d: InvitationRequestEmailData, why: string) => `${d.invitee} a ouvert un lien d'invitation à rejoindre ${d.companyName} qui ${why}, et demande une nouvelle invitation.`,
    approve: "Pour envoyer une nouvelle invitation (un renvoi ; une nouvelle invitation si l'ancienne a été révoquée), approuvez la demande :",
    dismiss: 'Pour ne pas y donner suite, écartez-la :',
    list: 'Toutes les demandes en attente :',
  },
} as const;

export function renderInvitationRequestEmail(d: InvitationRequestEmailData): RenderedEmail {
  const c = copy[d.locale];
  const intro = c.intro(d, c.why(d.invitationStage));
  const approve = `POST ${d.requestUrl}/approval`;
  const dismiss = `POST ${d.requestUrl}/dismissal`;
  const list = `GET ${d.listUrl}?status=pending`;
  return {
    language: d.locale,
    subject: c.subject(d),
    text: [c.greeting(d), '', intro, '', c.approve, approve, '', c.dismiss, dismiss, '', c.list, list, ''].join('\n'),
    html: html`<!doctype html><html lang="${d.locale}"><body style="font-family:Arial,sans-serif"><p>${c.greeting(d)}</p><p>${intro}</p>
<p>${c.approve}<br><code>${approve}</code></p>
<p>${c.dismiss}<br><code>${dismiss}</code></p>
<p>${c.list}<br><code>${list}</code></p></body></html>`.value,
  };
}
