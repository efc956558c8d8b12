// The pages an invitee opens: plain server-rendered HTML, no scripts, no external assets.
// Each field's error sits next to it (aria-describedby), with a summary at the top.
import { html, SafeHtml } from '../../../messages/html';
import type { InvitationForSignup, SignupForm } from '../../services/signup';
import type { FieldError } from '../../../domain/field-errors';
import type { InvitationStage } from '../../../domain/stages';

/** What the pages show: who invited whom to which company, in which language, by which channel. */
export type SignupPageContext = Pick<InvitationForSignup, 'companyName' | 'inviterName' | 'channel' | 'locale'>;

const style = `body{font-family:system-ui,-apple-system,Segoe UI,Arial,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem;font-weight:600}input[type=text],input[type=email],input[type=password],input[type=date]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
.check label{display:inline;font-weight:normal}.check{margin-top:.6rem}.error{color:#b00020;margin:.2rem 0 0}button{margin-top:1.5rem;padding:.7rem 1.2rem;font-size:1rem;background:#0066cc;color:#fff;border:0;border-radius:4px}
[aria-invalid=true]{border:2px solid #b00020}.summary{border:2px solid #b00020;padding:.5rem 1rem;margin:1rem 0}`;

export function layout(title: string, body: SafeHtml, lang = 'en'): string {
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${new SafeHtml(style)}</style></head>
<body><main>${body}</main></body></html>`.value;
}

type NotUsableReason = 'unknown' | 'expired' | 'revoked' | 'used' | 'failed' | 'invite-link-gone';

export function notUsableReason(stage: InvitationStage | undefined): NotUsableReason {
  switch (stage) {
    case 'expired':
    case 'revoked':
      return stage;
    case 'license_pending':
    case 'activated':
      return 'used';
    case undefined:
      return 'unknown';
    default:
      return 'failed';
  }
}

/**
 * `askAction`: where "Ask for a new invitation" posts. Offered for any well-formed link that does
 * not work (unknown ones too, so the page does not tell which links exist), except a used one.
 */
export function linkNotUsablePage(reason: NotUsableReason, companyName?: string, askAction?: string): string {
  const why = {
    unknown: 'This invitation link is not valid. It may have been replaced by a newer invitation.',
    expired: 'This invitation link has expired.',
    revoked: 'This invitation was cancelled.',
    used: 'This invitation has already been used to create an account.',
    failed: 'This invitation can no longer be used.',
    'invite-link-gone': 'This invite link is not valid any more: it may have been rotated, revoked, expired or used up.',
  }[reason];
  return layout(
    'Invitation link not usable',
    html`<h1>Invitation link not usable</h1><p>${why}</p>
<p>To get a new invitation, ask the person who invited you${companyName ? html` to ${companyName}` : ''} or your company account admin to send it again.</p>
${askAction && reason !== 'used' && reason !== 'invite-link-gone' ? askForm(askAction) : ''}`,
  );
}

/** A single button: the request carries nothing but the link it was made from. */
const askForm = (action: string) => html`<form method="post" action="${action}">
<p>Or ask from here: the company's admins will see your request.</p>
<button type="submit">Ask for a new invitation</button>
</form>`;

/**
 * The answer to "Ask for a new invitation", the same whatever the link: it says neither whether the
 * link belongs to an invitation nor whether a request was recorded.
 */
export function invitationRequestedPage(): string {
  return layout(
    'Request sent',
    html`<h1>Request sent</h1>
<p>Thank you. If this link belongs to an invitation that can be renewed, the company's admins now see your request; once one of them approves it, a new invitation reaches you by the same email address or phone number.</p>
<p>There is nothing more to do on this page.</p>`,
  );
}

function field(id: keyof SignupForm, label: string, type: string, opts: { value?: string; errors: FieldError[]; autocomplete: string; required?: boolean }): SafeHtml {
  const error = opts.errors.find((e) => e.field === id);
  return html`<label for="${id}">${label}</label>
<input type="${type}" id="${id}" name="${id}" ${opts.required === false ? '' : new SafeHtml('required')} autocomplete="${opts.autocomplete}"${opts.value !== undefined ? html` value="${opts.value}"` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
${error ? html`<p class="error" id="${id}-error">${error.message}</p>` : ''}`;
}

function checkbox(id: keyof SignupForm, label: string, checked: boolean, errors: FieldError[]): SafeHtml {
  const error = errors.find((e) => e.field === id);
  return html`<div class="check"><input type="checkbox" id="${id}" name="${id}" value="yes" required${checked ? html` checked` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}> <label for="${id}">${label}</label>
${error ? html`<p class="error" id="${id}-error">${error.message}</p>` : ''}</div>`;
}

export function signupFormPage(invitation: SignupPageContext, action: string, previous: { form?: SignupForm; errors?: FieldError[] } = {}): string {
  const form = previous.form ?? {};
  const errors = previous.errors ?? [];
  const summary = errors.length
    ? html`<div class="summary" role="alert"><h2>Please fix the following</h2><ul>${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}</ul></div>`
    : '';
  return layout(
    `Join ${invitation.companyName}`,
    html`<h1>Join ${invitation.companyName}</h1>
<p>${invitation.inviterName || invitation.companyName} invited you to join <strong>${invitation.companyName}</strong>.
Create your free account to start messaging, meeting and calling.</p>
${summary}
<form method="post" action="${action}" novalidate>
${invitation.channel !== 'email' ? field('email', 'Email address', 'email', { value: form.email, errors, autocomplete: 'email' }) : ''}
${field('dateOfBirth', 'Date of birth', 'date', { value: form.dateOfBirth, errors, autocomplete: 'bday' })}
${field('firstName', 'First name', 'text', { value: form.firstName, errors, autocomplete: 'given-name' })}
${field('lastName', 'Last name', 'text', { value: form.lastName, errors, autocomplete: 'family-name' })}
${field('companyName', 'Company name (optional)', 'text', { value: form.companyName, errors, autocomplete: 'organization', required: false })}
${field('password', 'Password', 'password', { errors, autocomplete: 'new-password' })}
${field('passwordConfirmation', 'Confirm password', 'password', { errors, autocomplete: 'new-password' })}
${checkbox('acceptTerms', 'I accept the Terms of Service', !!form.acceptTerms, errors)}
${checkbox('acceptPrivacy', 'I accept the Privacy Notice', !!form.acceptPrivacy, errors)}
${checkbox('acceptAcceptableUse', 'I accept the Acceptable Use Policy', !!form.acceptAcceptableUse, errors)}
<button type="submit">Create your free account</button>
</form>`,
    invitation.locale,
  );
}

export function signedUpPage(invitation: SignupPageContext, stage: 'activated' | 'license_pending'): string {
  return layout(
    'Your account is ready',
    stage === 'activated'
      ? html`<h1>Your account is ready</h1><p>Welcome to ${invitation.companyName}! Your free account is active: you can sign in to the app now.</p>`
      : html`<h1>Your account is created</h1><p>Welcome to ${invitation.companyName}! Your company admin now assigns your license; you will be able to use the app with your company as soon as that is done. There is nothing more to do on your side.</p>`,
    invitation.locale,
  );
}
