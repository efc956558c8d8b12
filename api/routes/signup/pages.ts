// The pages an invitee opens: plain server-rendered HTML, no scripts, no external assets.
import { html, SafeHtml } from '../../../messages/html';
import type { InvitationForSignup } from '../../services/signup';

const style = `body{font-family:system-ui,-apple-system,Segoe UI,Arial,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem;font-weight:600}input[type=text],input[type=email],input[type=password],input[type=date]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
.check label{display:inline;font-weight:normal}.check{margin-top:.6rem}.error{color:#b00020;margin:.2rem 0 0}button{margin-top:1.5rem;padding:.7rem 1.2rem;font-size:1rem;background:#0066cc;color:#fff;border:0;border-radius:4px}
[aria-invalid=true]{border:2px solid #b00020}`;

export function layout(title: string, body: SafeHtml, lang = 'en'): string {
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${new SafeHtml(style)}</style></head>
<body><main>${body}</main></body></html>`.value;
}

export function linkNotUsablePage(reason: 'unknown' | 'expired' | 'revoked' | 'used' | 'failed', companyName?: string): string {
  const why = {
    unknown: 'This invitation link is not valid. It may have been replaced by a newer invitation.',
    expired: 'This invitation link has expired.',
    revoked: 'This invitation was cancelled.',
    used: 'This invitation has already been used to create an account.',
    failed: 'This invitation can no longer be used.',
  }[reason];
  return layout(
    'Invitation link not usable',
    html`<h1>Invitation link not usable</h1><p>${why}</p>
<p>To get a new invitation, ask the person who invited you${companyName ? html` to ${companyName}` : ''} or your company account admin to send it again.</p>`,
  );
}

export function signupFormPage(invitation: InvitationForSignup, action: string): string {
  return layout(
    `Join ${invitation.companyName}`,
    html`<h1>Join ${invitation.companyName}</h1>
<p>${invitation.inviterName || invitation.companyName} invited you to join <strong>${invitation.companyName}</strong>.
Create your free account to start messaging, meeting and calling.</p>
<form method="post" action="${action}" novalidate>
<label for="dateOfBirth">Date of birth</label>
<input type="date" id="dateOfBirth" name="dateOfBirth" required autocomplete="bday">
<label for="firstName">First name</label>
<input type="text" id="firstName" name="firstName" required autocomplete="given-name">
<label for="lastName">Last name</label>
<input type="text" id="lastName" name="lastName" required autocomplete="family-name">
<label for="companyName">Company name (optional)</label>
<input type="text" id="companyName" name="companyName" autocomplete="organization">
<label for="password">Password</label>
<input type="password" id="password" name="password" required autocomplete="new-password">
<label for="passwordConfirmation">Confirm password</label>
<input type="password" id="passwordConfirmation" name="passwordConfirmation" required autocomplete="new-password">
<div class="check"><input type="checkbox" id="acceptTerms" name="acceptTerms" value="yes" required> <label for="acceptTerms">I accept the Terms of Service</label></div>
<div class="check"><input type="checkbox" id="acceptPrivacy" name="acceptPrivacy" value="yes" required> <label for="acceptPrivacy">I accept the Privacy Notice</label></div>
<div class="check"><input type="checkbox" id="acceptAcceptableUse" name="acceptAcceptableUse" value="yes" required> <label for="acceptAcceptableUse">I accept the Acceptable Use Policy</label></div>
<button type="submit">Create your free account</button>
</form>`,
    invitation.locale,
  );
}
