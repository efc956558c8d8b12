// What a signup must satisfy. Pure and deterministic: the invitation workflow's update validator
// runs it (with workflow time as "today"), and the API runs it before starting a link signup.
import type { FieldError } from './field-errors';

export const MINIMUM_SIGNUP_AGE = 16;

/** A signup as the workflow receives it: the password hashed and kept apart, only facts about it here. */
export interface SignupSubmission {
  /** Where the right to sign up comes from: the invitation's current link, or the account's invite link. */
  proof: { kind: 'invitation-token'; tokenHash: string } | { kind: 'invite-link'; linkId: string };
  /** The address they sign up with (text and link invitations; email invitations use the invited address). */
  email?: string;
  dateOfBirth: string;
  firstName: string;
  lastName: string;
  companyName?: string;
  /** The password's hash, kept apart in signup_passwords under this id: no secret's hash in a history. */
  passwordId?: string;
  /** Signups submitted before passwordId: the hash itself. */
  passwordHash?: string;
  passwordMeetsPolicy: boolean;
  passwordMatchesConfirmation: boolean;
  accepted: { termsOfService: boolean; privacyNotice: boolean; acceptableUsePolicy: boolean };
}

/** Whole years between a YYYY-MM-DD birth date and `today` (UTC), or undefined if not a real date. */
export function ageOn(dateOfBirth: string, today: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const born = new Date(Date.UTC(y, mo - 1, d));
  if (born.getUTCFullYear() !== y || born.getUTCMonth() !== mo - 1 || born.getUTCDate() !== d) return undefined;
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() < mo - 1 || (today.getUTCMonth() === mo - 1 && today.getUTCDate() < d)) age -= 1;
  return age;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Every problem with a signup, each tied to its form field (empty when it is acceptable). */
export function signupProblems(s: SignupSubmission, today: Date, opts: { emailRequired: boolean }): FieldError[] {
  const problems: FieldError[] = [];
  const age = ageOn(s.dateOfBirth, today);
  if (age === undefined || age > 130) problems.push({ field: 'dateOfBirth', message: 'Enter your date of birth.' });
  else if (age < 0) problems.push({ field: 'dateOfBirth', message: 'The date of birth cannot be in the future.' });
  else if (age < MINIMUM_SIGNUP_AGE) problems.push({ field: 'dateOfBirth', message: `You need to be at least ${MINIMUM_SIGNUP_AGE} years old to create an account.` });
  if (opts.emailRequired && !(s.email && EMAIL.test(s.email))) problems.push({ field: 'email', message: 'Enter a valid email address.' });
  if (!s.firstName.trim()) problems.push({ field: 'firstName', message: 'Enter your first name.' });
  if (!s.lastName.trim()) problems.push({ field: 'lastName', message: 'Enter your last name.' });
  if (!s.passwordMeetsPolicy) problems.push({ field: 'password', message: 'Use at least 8 characters with at least one letter and one number.' });
  if (!s.passwordMatchesConfirmation) problems.push({ field: 'passwordConfirmation', message: 'The passwords do not match.' });
  if (!s.accepted.termsOfService) problems.push({ field: 'acceptTerms', message: 'Accept the Terms of Service to continue.' });
  if (!s.accepted.privacyNotice) problems.push({ field: 'acceptPrivacy', message: 'Accept the Privacy Notice to continue.' });
  if (!s.accepted.acceptableUsePolicy) problems.push({ field: 'acceptAcceptableUse', message: 'Accept the Acceptable Use Policy to continue.' });
  return problems;
}
