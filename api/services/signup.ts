// What an invitee's link leads to. Opening a link only reads (mail scanners open links before
// people do); only a submitted signup uses the token, through the workflow's signUp update.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../db';
import { hashToken } from '../../domain/invitation-tokens';
import { meetsPasswordPolicy } from '../../domain/password-policy';
import type { SignupSubmission } from '../../domain/signup-rules';
import { getInvitationStatus, signUp, type SignupResult } from '../../workflows/invitation/definitions';
import { invitationMovedOn, signupRefusal } from '../failures';
import { hashPassword } from './password-hash';
import type { FieldError } from '../../domain/field-errors';
import type { InvitationStage } from '../../domain/stages';
import type { Locale } from '../../domain/locales';

export interface InvitationForSignup {
  invitationId: string;
  channel: 'email' | 'text' | 'link';
  companyName: string;
  inviterName: string;
  inviteeEmail: string | null;
  locale: Locale;
  stage: InvitationStage;
  expiresAt?: string;
}

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

export type SignupOutcome =
  | { kind: 'signed-up'; invitation: InvitationForSignup; result: SignupResult }
  | { kind: 'refused'; invitation: InvitationForSignup; errors: FieldError[] }
  | { kind: 'link-not-usable'; invitation?: InvitationForSignup };

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

export function createSignupService({ db, temporal }: { db: Db; temporal: Client }) {
  async function findByToken(token: string): Promise<InvitationForSignup | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const { rows } = await db.query<Omit<InvitationForSignup, 'stage' | 'expiresAt'>>(
      `SELECT i.id AS "invitationId", i.channel, a.name AS "companyName", trim(u.first_name || ' ' || u.last_name) AS "inviterName",
              i.invitee_email AS "inviteeEmail", i.locale
         FROM invitations i JOIN accounts a ON a.id = i.account_id JOIN users u ON u.id = i.invited_by
        WHERE i.token_hash = $1`,
      [hashToken(token)],
    );
    const row = rows[0];
    if (!row) return undefined;
    try {
      const status = await temporal.workflow.getHandle(row.invitationId).query(getInvitationStatus);
      return { ...row, stage: status.stage, expiresAt: status.expiresAt };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  return {
    findByToken,

    async submit(token: string, form: SignupForm): Promise<SignupOutcome> {
      let invitation = await findByToken(token);
      // The message can land a moment before the workflow records that it was sent.
      for (let i = 0; invitation?.stage === 'sending' && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 100));
        invitation = await findByToken(token);
      }
      if (!invitation) return { kind: 'link-not-usable' };
      if (invitation.stage !== 'awaiting_signup') return { kind: 'link-not-usable', invitation };
      const submission = await toSubmission(form, { kind: 'invitation-token', tokenHash: hashToken(token) }, invitation.channel !== 'email');
      try {
        const result = await temporal.workflow.getHandle(invitation.invitationId).executeUpdate(signUp, { args: [submission] });
        return { kind: 'signed-up', invitation, result };
      } catch (err) {
        const errors = signupRefusal(err);
        if (errors) {
          if (errors.some((e) => e.field === 'token')) return { kind: 'link-not-usable', invitation: await findByToken(token) };
          return { kind: 'refused', invitation, errors };
        }
        // The invitation moved on meanwhile (expired, revoked, used, or closed altogether).
        if (invitationMovedOn(err)) return { kind: 'link-not-usable', invitation: (await findByToken(token)) ?? invitation };
        throw err;
      }
    },
  };
}
export type SignupService = ReturnType<typeof createSignupService>;
