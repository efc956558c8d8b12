// Inviting people: checks who may invite, validates the whole request before anything is sent,
// records each invitation and starts (or finds) its workflow. The workflow owns the lifecycle.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../db';
import { getInvitationStatus, type InvitationInput, type InvitationStage, type InvitationStatus } from '../../workflows/definitions';
import { AccountId, InviteeEmail, OnboardingChannel, OnboardingStage } from '../../workflows/search-attributes';
import { problems } from '../problems';
import type { Caller } from './credentials';
import { MAX_EMAILS_PER_INVITATION, parseEmailList } from './email-addresses';
import { inviteeTypeFor, type InviteeType } from './invitee-type';

export interface InvitationView {
  id: string;
  channel: 'email' | 'text' | 'link';
  invitee: string;
  inviteeType: InviteeType | null;
  role: string;
  stage: InvitationStage;
  /** On creation only: false when the person already had a live invitation, returned instead of a new one. */
  created?: boolean;
  createdAt: string;
  expiresAt?: string;
  deliveryFailure?: string;
  messages?: InvitationStatus['messages'];
}

interface AccountRow {
  id: string;
  name: string;
  company_domains: string[];
  locale: 'en' | 'fr';
  users_may_invite: boolean;
  invitation_lifetime_seconds: number;
}

interface InvitationRow {
  id: string;
  channel: 'email' | 'text' | 'link';
  invitee_email: string | null;
  invitee_phone: string | null;
  invitee_type: InviteeType | null;
  role: string;
  stage: InvitationStage;
  created_at: Date;
}

export function invitationIdFor(accountId: string, invitee: string): string {
  return `invitation:${accountId}:${invitee}`;
}

export interface InvitationServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

export function createInvitationService({ db, temporal, taskQueue }: InvitationServiceDeps) {
  async function loadAccount(accountId: string): Promise<AccountRow> {
    const { rows } = await db.query<AccountRow>(
      `SELECT id, name, company_domains, locale, users_may_invite, invitation_lifetime_seconds FROM accounts WHERE id = $1`,
      [accountId],
    );
    if (!rows[0]) throw problems.notFound(`Account ${accountId}`);
    return rows[0];
  }

  function assertMayInvite(caller: Caller, account: AccountRow, asAdmin: boolean) {
    if (caller.role === 'user' && !account.users_may_invite) {
      throw problems.forbidden(
        'Inviting people is disabled for this account. Please ask your company account admin to review the account settings.',
      );
    }
    if (asAdmin && caller.role === 'user') throw problems.forbidden('Only admins can invite someone as an admin.');
  }

  async function liveStage(id: string): Promise<InvitationStatus | undefined> {
    try {
      return await temporal.workflow.getHandle(id).query(getInvitationStatus);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  function view(row: InvitationRow, status?: InvitationStatus): InvitationView {
    return {
      id: row.id,
      channel: row.channel,
      invitee: row.invitee_email ?? row.invitee_phone ?? '',
      inviteeType: row.invitee_type,
      role: row.role,
      stage: status?.stage ?? row.stage,
      createdAt: row.created_at.toISOString(),
      ...(status?.expiresAt ? { expiresAt: status.expiresAt } : {}),
      ...(status?.deliveryFailure ? { deliveryFailure: status.deliveryFailure } : {}),
      ...(status ? { messages: status.messages } : {}),
    };
  }

  return {
    async inviteByEmail(caller: Caller, request: { emails: string | string[]; role: 'user' | 'admin' }): Promise<InvitationView[]> {
      const account = await loadAccount(caller.accountId);
      const asAdmin = request.role === 'admin';
      assertMayInvite(caller, account, asAdmin);

      // The whole request is checked before anything is recorded or sent: it goes out entirely or not at all.
      const { addresses, invalid } = parseEmailList(request.emails);
      const errors = invalid.map((a) => ({ field: 'body.emails', message: `"${a}" is not a valid email address` }));
      if (addresses.length + invalid.length > MAX_EMAILS_PER_INVITATION) {
        errors.unshift({ field: 'body.emails', message: `At most ${MAX_EMAILS_PER_INVITATION} email addresses per invitation (got ${addresses.length + invalid.length})` });
      }
      if (addresses.length === 0 && invalid.length === 0) errors.push({ field: 'body.emails', message: 'Give at least one email address' });
      if (errors.length > 0) throw problems.validation('The invitation was not sent: fix the listed addresses.', errors);

      const { rows: existingUsers } = await db.query<{ email: string }>(
        `SELECT lower(email) AS email FROM users WHERE account_id = $1 AND lower(email) = ANY($2) AND status = 'active'`,
        [account.id, addresses],
      );
      if (existingUsers.length > 0) {
        throw problems.conflict('already-a-user', 'Some of these people already have an active account in this company.', {
          addresses: existingUsers.map((u) => u.email),
        });
      }

      const results: InvitationView[] = [];
      for (const email of addresses) {
        const id = invitationIdFor(account.id, email);
        const inviteeType = inviteeTypeFor(email, account.company_domains, asAdmin);
        const inserted = await db.query<InvitationRow>(
          `INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_type, role, invited_by, locale, stage)
           VALUES ($1, $2, 'email', $3, $4, $5, $6, $7, 'sending')
           ON CONFLICT (id) DO NOTHING
           RETURNING id, channel, invitee_email, invitee_phone, invitee_type, role, stage, created_at`,
          [id, account.id, email, inviteeType, asAdmin ? 'admin' : 'user', caller.userId, account.locale],
        );
        const created = inserted.rowCount === 1;
        const row =
          inserted.rows[0] ??
          (
            await db.query<InvitationRow>(
              `SELECT id, channel, invitee_email, invitee_phone, invitee_type, role, stage, created_at FROM invitations WHERE id = $1`,
              [id],
            )
          ).rows[0]!;

        const input: InvitationInput = {
          invitationId: id,
          accountId: account.id,
          channel: 'email',
          inviteeEmail: email,
          lifetimeMs: account.invitation_lifetime_seconds * 1000,
        };
        // USE_EXISTING: inviting the same person again (or retrying after a crash between the insert
        // and this call) lands on the same workflow instead of starting a second one.
        await temporal.workflow.start('invitationWorkflow', {
          taskQueue,
          workflowId: id,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: [
            { key: AccountId, value: account.id },
            { key: OnboardingChannel, value: 'email' },
            { key: OnboardingStage, value: 'sending' },
            { key: InviteeEmail, value: email },
          ],
          staticSummary: `Invitation by email to ${email} (${inviteeType}) for ${account.name}`,
          staticDetails: `Invited by ${caller.name || caller.userId} as ${asAdmin ? 'admin' : inviteeType}.`,
          memo: { summary: `Sending invitation to ${email}` },
        });
        results.push({ ...view(row, created ? undefined : await liveStage(id)), created });
      }
      return results;
    },

    async get(caller: Caller, invitationId: string): Promise<InvitationView> {
      const { rows } = await db.query<InvitationRow>(
        `SELECT id, channel, invitee_email, invitee_phone, invitee_type, role, stage, created_at
           FROM invitations WHERE id = $1 AND account_id = $2`,
        [invitationId, caller.accountId],
      );
      if (!rows[0]) throw problems.notFound(`Invitation ${invitationId}`);
      return view(rows[0], await liveStage(invitationId));
    },
  };
}
export type InvitationService = ReturnType<typeof createInvitationService>;
