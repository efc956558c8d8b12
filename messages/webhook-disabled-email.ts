// To an account's admins: one of its webhook endpoints was disabled (410 Gone, or every attempt
// failed for the retry window). Its undelivered messages are kept: enabling it again sends them.
import { html, type RenderedEmail } from './html';
import type { Locale } from '../domain/locales';

export interface WebhookDisabledEmailData {
  locale: Locale;
  adminName: string;
  companyName: string;
  /** The receiver's URL. */
  url: string;
  reason: string;
  /** The endpoint in the API (PATCH it with {"enabled": true} to resume). */
  endpointUrl: string;
}

const copy = {
  en: {
    subject: (d: WebhookDisabledEmailData) => `A webhook endpoint of ${d.companyName} was disabled`,
    greeting: (d: WebhookDisabledEmailData) => (d.adminName ? `Hello ${d.adminName},` : 'Hello,'),
    intro: (d: WebhookDisabledEmailData) => `Webhooks to ${d.url} are no longer sent: ${d.reason}.`,
    resume: 'Undelivered events are kept. Once the receiver works again, enable the endpoint (PATCH with {"enabled": true}) and they are sent:',
  },
  fr: {
    subject: (d: WebhookDisabledEmailData) => `Un point de réception de webhooks de ${d.companyName} a été désactivé`,
    greeting: (d: WebhookDisabledEmailData) => (d.adminName ? `Bonjour ${d.adminName},` : 'Bonjour,'),
    intro: (d: WebhookDisabledEmailData) => `Les webhooks vers ${d.url} ne sont plus envoyés : ${d.reason}.`,
    resume: 'Les événements non livrés sont conservés. Quand le récepteur fonctionne de nouveau, réactivez le point de réception (PATCH avec {"enabled": true}) et ils sont envoyés :',
  },
} as const;

export function renderWebhookDisabledEmail(d: WebhookDisabledEmailData): RenderedEmail {
  const c = copy[d.locale];
  const text = [c.greeting(d), '', c.intro(d), '', c.resume, d.endpointUrl].join('\n');
  const body = html`<p>${c.greeting(d)}</p><p>${c.intro(d)}</p><p>${c.resume}<br><a href="${d.endpointUrl}">${d.endpointUrl}</a></p>`;
  return { subject: c.subject(d), text, html: `<!doctype html><html lang="${d.locale}"><body>${body.value}</body></html>`, language: d.locale };
}
