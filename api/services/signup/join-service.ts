// Signing up through the account's invite link. Whoever signs up becomes a co-worker or a guest
// by their email's domain. A use is counted only when a signup is accepted; opening the link
// changes nothing.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FieldError } from '../../../domain/field-errors';
import { hashToken } from '../../../domain/invitation-tokens';
import { inviteeTypeFor } from '../../../domain/invitee-type';
import type { Locale } from '../../../domain/locales';
import { signupProblems } from '../../../domain/signup-rules';
import { invitationWorkflow } from '../../../workflows';
import { signUp, type SignupResult } from '../../../workflows/invitation/definitions';
import { invitationIdFor, invitationStart } from '../../../workflows/invitation/start';
import { askWorkflow } from '../../deadlines';
import { signupRefusal } from '../../failures';
import type { AccountRow, AccountService } from '../accounts';
import { clientStartOptions, type InvitationsData } from '../invitations';
import type { InviteLinksData, LinkRow } from '../invite-links';
import type { UsersData } from '../users';
import type { SignupPasswords } from './signup-passwords';
import { mayBeToken, toSubmission, type SignupForm } from './signup-submission';

/** What the join page shows: which company, and who shared the link. */
export interface JoinPage {
  linkId: string;
  channel: 'link';
  companyName: string;
  inviterName: string;
  locale: Locale;
}

export type JoinOutcome =
  | { kind: 'signed-up'; page: JoinPage; result: SignupResult }
  | { kind: 'refused'; page: JoinPage; errors: FieldError[] }
  | { kind: 'link-not-usable'; page?: JoinPage };

export interface JoinServiceDeps {
  inviteLinksData: InviteLinksData;
  invitationsData: InvitationsData;
  usersData: UsersData;
  accounts: AccountService;
  signupPasswords: SignupPasswords;
  temporal: Client;
  taskQueue: string;
}

interface UsableLink {
  page: JoinPage;
  link: LinkRow;
  account: AccountRow;
}

export function createJoinService({ inviteLinksData, invitationsData, usersData, accounts, signupPasswords, temporal, taskQueue }: JoinServiceDeps) {
  async function usableLink(token: string): Promise<UsableLink | undefined> {
    if (!mayBeToken(token)) return undefined;
    const link = await inviteLinksData.usableByTokenHash(hashToken(token));
    if (!link) return undefined;
    const account = await accounts.forInvitations(link.account_id);
    return { page: { linkId: link.id, channel: 'link', companyName: account.name, inviterName: link.inviter_name, locale: account.locale }, link, account };
  }

  /** Records the person's invitation (touching the live one, if any) and says how its workflow starts. */
  async function invitationFor({ page, link, account }: UsableLink, email: string) {
    const id = invitationIdFor(account.id, email);
    const tokenGeneration = await invitationsData.recordLinkSignup({
      id, accountId: account.id, email, type: inviteeTypeFor(email, account.company_domains, false), invitedBy: link.created_by, locale: account.locale,
    });
    const start = invitationStart(account, page.inviterName || 'the invite link', 'invite link', { id, channel: 'link', email, type: null, role: 'user' }, undefined, tokenGeneration + 1);
    return new WithStartWorkflowOperation(invitationWorkflow, clientStartOptions(start, taskQueue));
  }

  return {
    joinPage: async (token: string): Promise<JoinPage | undefined> => (await usableLink(token))?.page,

    /** A signup through the invite link: checked in full first, so a refused form uses nothing up. */
    async join(token: string, form: SignupForm): Promise<JoinOutcome> {
      const found = await usableLink(token);
      if (!found) return { kind: 'link-not-usable' };
      const { page, link, account } = found;
      const submission = await toSubmission(form, { kind: 'invite-link', linkId: link.id }, true);
      const errors = signupProblems(submission, new Date(), { emailRequired: true });
      if (errors.length) return { kind: 'refused', page, errors };
      if ((await usersData.emailsInUse(account.id, [submission.email!])).length > 0) {
        return { kind: 'refused', page, errors: [{ field: 'email', message: 'This email address already has an account in this company. Sign in instead.' }] };
      }
      // Count the use now (atomically, within the limit); give it back if the signup is refused.
      if (!(await inviteLinksData.claimUse(link.id))) return { kind: 'link-not-usable', page };
      const startWorkflowOperation = await invitationFor(found, submission.email!);
      const kept = await signupPasswords.keepApart(startWorkflowOperation.options.workflowId, submission);
      try {
        // Starts the invitation (or finds the person's live one) and signs up in one call.
        const result = await askWorkflow(temporal, () => temporal.workflow.startUpdateWithStart(signUp, { args: [kept], startWorkflowOperation, waitForStage: 'ACCEPTED' }));
        return { kind: 'signed-up', page, result };
      } catch (err) {
        await inviteLinksData.releaseUse(link.id);
        const refused = signupRefusal(err);
        if (refused || err instanceof WorkflowNotFoundError) await signupPasswords.discard(kept);
        if (refused) return { kind: 'refused', page, errors: refused };
        if (err instanceof WorkflowNotFoundError) return { kind: 'link-not-usable', page };
        throw err;
      }
    },
  };
}
export type JoinService = ReturnType<typeof createJoinService>;
