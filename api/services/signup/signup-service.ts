// What an invitee's link leads to. Opening a link only reads (mail scanners open links before
// people do); only a submitted signup uses the token, through the workflow's signUp update.
import type { Client } from '@temporalio/client';
import { hashToken } from '../../../domain/invitation-tokens';
import type { FieldError } from '../../../domain/field-errors';
import type { InvitationStage } from '../../../domain/stages';
import { signUp, type SignupResult } from '../../../workflows/invitation/definitions';
import { askWorkflow } from '../../deadlines';
import { invitationMovedOn, signupRefusal } from '../../failures';
import type { InvitationWorkflows } from '../invitations';
import type { InvitationByToken, SignupData } from './signup-data';
import type { SignupPasswords } from './signup-passwords';
import { mayBeToken, toSubmission, type SignupForm } from './signup-submission';

export interface InvitationForSignup extends InvitationByToken {
  stage: InvitationStage;
  expiresAt?: string;
}

export type SignupOutcome =
  | { kind: 'signed-up'; invitation: InvitationForSignup; result: SignupResult }
  | { kind: 'refused'; invitation: InvitationForSignup; errors: FieldError[] }
  | { kind: 'link-not-usable'; invitation?: InvitationForSignup };

export function createSignupService({ signupData, signupPasswords, invitationWorkflows, temporal }: { signupData: SignupData; signupPasswords: SignupPasswords; invitationWorkflows: InvitationWorkflows; temporal: Client }) {
  async function findByToken(token: string): Promise<InvitationForSignup | undefined> {
    if (!mayBeToken(token)) return undefined;
    const row = await signupData.invitationByTokenHash(hashToken(token));
    if (!row) return undefined;
    const status = await invitationWorkflows.status(row.invitationId);
    return status && { ...row, stage: status.stage, expiresAt: status.expiresAt };
  }

  /** The invitation, once the workflow has recorded that its message was sent (it can land a moment before). */
  async function findSent(token: string): Promise<InvitationForSignup | undefined> {
    let invitation = await findByToken(token);
    for (let i = 0; invitation?.stage === 'sending' && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      invitation = await findByToken(token);
    }
    return invitation;
  }

  async function signUpThrough(invitation: InvitationForSignup, token: string, form: SignupForm): Promise<SignupOutcome> {
    const submission = await signupPasswords.keepApart(invitation.invitationId, await toSubmission(form, { kind: 'invitation-token', tokenHash: hashToken(token) }, invitation.channel !== 'email'));
    try {
      const handle = temporal.workflow.getHandle(invitation.invitationId);
      const result = await askWorkflow(temporal, () => handle.startUpdate(signUp, { args: [submission], waitForStage: 'ACCEPTED' }));
      return { kind: 'signed-up', invitation, result };
    } catch (err) {
      const errors = signupRefusal(err);
      // Refused, or nothing left to sign up to: no activity will take the hash. (Past a deadline the
      // signup may still go through: its row stays for the activity.)
      if (errors || invitationMovedOn(err)) await signupPasswords.discard(submission);
      if (errors) {
        if (errors.some((e) => e.field === 'token')) return { kind: 'link-not-usable', invitation: await findByToken(token) };
        return { kind: 'refused', invitation, errors };
      }
      // The invitation moved on meanwhile (expired, revoked, used, or closed altogether).
      if (invitationMovedOn(err)) return { kind: 'link-not-usable', invitation: (await findByToken(token)) ?? invitation };
      throw err;
    }
  }

  return {
    findByToken,

    async submit(token: string, form: SignupForm): Promise<SignupOutcome> {
      const invitation = await findSent(token);
      if (!invitation) return { kind: 'link-not-usable' };
      if (invitation.stage !== 'awaiting_signup') return { kind: 'link-not-usable', invitation };
      return signUpThrough(invitation, token, form);
    },
  };
}
export type SignupService = ReturnType<typeof createSignupService>;
