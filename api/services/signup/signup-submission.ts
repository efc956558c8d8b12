// The signup form, as people submit it and as the workflow receives it.
import { meetsPasswordPolicy } from '../../../domain/password-policy';
import type { SignupSubmission } from '../../../domain/signup-rules';
import { hashPassword } from '../password-hash';

/** The signup form as submitted (checkboxes are absent when unchecked). */
export interface SignupForm {
  email?: string;
  dateOfBirth?: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  password?: string;
  passwordConfirmation?: string;
  acceptTerms?: string;
  acceptPrivacy?: string;
  acceptAcceptableUse?: string;
}

/** Whether a path's token can be one of ours at all (invitation and invite-link tokens alike). */
export const mayBeToken = (token: string) => /^[A-Za-z0-9_-]{20,100}$/.test(token);

/** The form as the workflow receives it: the clear password stops here, only its hash and two facts about it go on. */
export async function toSubmission(form: SignupForm, proof: SignupSubmission['proof'], withEmail: boolean): Promise<SignupSubmission> {
  const password = form.password ?? '';
  return {
    proof,
    ...(withEmail ? { email: (form.email ?? '').trim().toLowerCase() } : {}),
    dateOfBirth: (form.dateOfBirth ?? '').trim(),
    firstName: (form.firstName ?? '').trim(),
    lastName: (form.lastName ?? '').trim(),
    ...(form.companyName?.trim() ? { companyName: form.companyName.trim() } : {}),
    passwordHash: await hashPassword(password),
    passwordMeetsPolicy: meetsPasswordPolicy(password),
    passwordMatchesConfirmation: password.length > 0 && password === form.passwordConfirmation,
    accepted: { termsOfService: !!form.acceptTerms, privacyNotice: !!form.acceptPrivacy, acceptableUsePolicy: !!form.acceptAcceptableUse },
  };
}
