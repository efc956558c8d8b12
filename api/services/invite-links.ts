// The account's shareable invite link: created, read (to copy), rotated, revoked, shared by email,
// and used to sign up. Whoever signs up through it becomes a co-worker or a guest by their email's
// domain. A use is counted only when a signup is accepted; opening the link changes nothing.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../db';
import { inTransaction } from '../../db';
import { hashToken, inviteLinkToken } from '../../domain/invitation-tokens';
import { checkEmailList } from '../../domain/email-addresses';
import { inviteeTypeFor } from '../../domain/invitee-type';
import { signupProblems } from '../../domain/signup-rules';
import { signUp, type SignupResult } from '../../workflows/invitation/definitions';
import type { ShareInviteLinkResult } from '../../workflows/invite-link-sharing';
import { problems } from '../problems';
import type { Caller } from './credentials';
import { invitationStart } from '../../workflows/invitation/start';
import { assertMayInvite, clientStartOptions, invitationIdFor, loadAccount, type AccountRow } from './invitations';
import { signupRefusal } from '../failures';
import { toSubmission, type SignupForm } from './signup';
import type { FieldError } from '../../domain/field-errors';
import type { Locale } from '../../domain/locales';
import { invitationWorkflow, shareInviteLinkWorkflow } from '../../workflows';

export interface InviteLinkView {
  id: string;
  url: string;
  createdAt: string;
  expiresAt: string;
  maxUses: number | null;
  uses: number;
}

interface LinkRow {
  id: string;
  account_id: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  max_uses: number | null;
  uses: number;
}

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

export interface InviteLinkDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  tokenSecret: string;
  publicBaseUrl: string;
}

export function createInviteLinkService({ db, temporal, taskQueue, tokenSecret, publicBaseUrl }: InviteLinkDeps) {
  const view = (l: LinkRow): InviteLinkView => ({
    id: l.id,
    url: `${publicBaseUrl}/join/${inviteLinkToken(tokenSecret, l.id)}`,
    createdAt: l.created_at.toISOString(),
    expiresAt: l.expires_at.toISOString(),
    maxUses: l.max_uses,
    uses: l.uses,
  });

  async function liveLink(accountId: string): Promise<LinkRow | undefined> {
    const { rows } = await db.query<LinkRow>(`SELECT * FROM invite_links WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > now()`, [accountId]);
    return rows[0];
  }

  function assertAdmin(caller: Caller) {
    if (caller.role === 'user') throw problems.forbidden('Only admins can create, rotate or revoke the invite link.');
  }

  async function joinPageFor(token: string): Promise<(JoinPage & { link: LinkRow; account: AccountRow }) | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const { rows } = await db.query<LinkRow & { inviter_name: string }>(
      `SELECT l.*, trim(u.first_name || ' ' || u.last_name) AS inviter_name FROM invite_links l JOIN users u ON u.id = l.created_by
        WHERE l.token_hash = $1 AND l.revoked_at IS NULL AND l.expires_at > now() AND (l.max_uses IS NULL OR l.uses < l.max_uses)`,
      [hashToken(token)],
    );
    const link = rows[0];
    if (!link) return undefined;
    const account = await loadAccount(db, link.account_id);
    return { linkId: link.id, channel: 'link' as const, companyName: account.name, inviterName: link.inviter_name, locale: account.locale, link, account };
  }

  return {
    async current(caller: Caller): Promise<InviteLinkView> {
      assertMayInvite(caller, await loadAccount(db, caller.accountId));
      const link = await liveLink(caller.accountId);
      if (!link) throw problems.notFound('The invite link');
      return view(link);
    },

    /** Creates the link, or rotates it: the old one stops working in the same transaction. */
    async create(caller: Caller, opts: { expiresInDays?: number; maxUses?: number }): Promise<InviteLinkView> {
      assertAdmin(caller);
      const account = await loadAccount(db, caller.accountId);
      const lifetimeSeconds = opts.expiresInDays ? opts.expiresInDays * 86_400 : account.invitation_lifetime_seconds;
      const id = randomUUID();
      const row = await inTransaction(db, async (tx) => {
        await tx.query(`UPDATE invite_links SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL`, [caller.accountId]);
        const { rows } = await tx.query<LinkRow>(
          `INSERT INTO invite_links (id, account_id, token_hash, created_by, expires_at, max_uses)
           VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6) RETURNING *`,
          [id, caller.accountId, hashToken(inviteLinkToken(tokenSecret, id)), caller.userId, lifetimeSeconds, opts.maxUses ?? null],
        );
        return rows[0]!;
      });
      return view(row);
    },

    async revoke(caller: Caller): Promise<void> {
      assertAdmin(caller);
      const { rowCount } = await db.query(`UPDATE invite_links SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL`, [caller.accountId]);
      if (!rowCount) throw problems.notFound('The invite link');
    },

    /** "Share invite link via email": a durable workflow sends one email per address. */
    async share(caller: Caller, emails: string | string[]): Promise<ShareInviteLinkResult & { workflowId: string }> {
      assertMayInvite(caller, await loadAccount(db, caller.accountId));
      const link = await liveLink(caller.accountId);
      if (!link) throw problems.notFound('The invite link');
      const { addresses, errors } = checkEmailList(emails);
      if (errors.length) throw problems.validation('The invite link was not shared: fix the listed addresses.', errors);
      const workflowId = `invite-link-share:${caller.accountId}:${randomUUID()}`;
      const result = await temporal.workflow.execute(shareInviteLinkWorkflow, {
        taskQueue,
        workflowId,
        args: [{ accountId: caller.accountId, linkId: link.id, emails: addresses, sharedBy: caller.userId }],
        staticSummary: `Invite link of ${caller.accountId} shared by email with ${addresses.length} address(es)`,
      });
      return { ...(result as ShareInviteLinkResult), workflowId };
    },

    async joinPage(token: string): Promise<JoinPage | undefined> {
      const found = await joinPageFor(token);
      return found && { linkId: found.linkId, channel: found.channel, companyName: found.companyName, inviterName: found.inviterName, locale: found.locale };
    },

    /** A signup through the invite link: checked in full first, so a refused form uses nothing up. */
    async join(token: string, form: SignupForm): Promise<JoinOutcome> {
      const found = await joinPageFor(token);
      if (!found) return { kind: 'link-not-usable' };
      const { link, account, ...page } = found;
      const submission = await toSubmission(form, { kind: 'invite-link', linkId: link.id }, true);
      const errors = signupProblems(submission, new Date(), { emailRequired: true });
      if (errors.length) return { kind: 'refused', page, errors };
      const email = submission.email!;
      const { rowCount: existing } = await db.query(`SELECT 1 FROM users WHERE account_id = $1 AND lower(email) = $2 AND status <> 'disabled'`, [account.id, email]);
      if (existing) return { kind: 'refused', page, errors: [{ field: 'email', message: 'This email address already has an account in this company. Sign in instead.' }] };

      // Count the use now (atomically, within the limit); give it back if the signup is refused.
      const { rowCount: claimed } = await db.query(
        `UPDATE invite_links SET uses = uses + 1 WHERE id = $1 AND revoked_at IS NULL AND expires_at > now() AND (max_uses IS NULL OR uses < max_uses)`,
        [link.id],
      );
      if (!claimed) return { kind: 'link-not-usable', page };
      const release = () => db.query(`UPDATE invite_links SET uses = uses - 1 WHERE id = $1 AND uses > 0`, [link.id]);

      const id = invitationIdFor(account.id, email);
      const { rows } = await db.query<{ token_generation: number }>(
        `INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_type, role, invited_by, locale)
         VALUES ($1, $2, 'link', $3, $4, 'user', $5, $6)
         ON CONFLICT (id) DO UPDATE SET updated_at = now() RETURNING token_generation`,
        [id, account.id, email, inviteeTypeFor(email, account.company_domains, false), link.created_by, account.locale],
      );
      const options = clientStartOptions(invitationStart(account, page.inviterName || 'the invite link', 'invite link', { id, channel: 'link', email, type: null, role: 'user' }, undefined, rows[0]!.token_generation + 1), taskQueue);
      try {
        // Starts the invitation (or finds the person's live one) and signs up in one call.
        const result = await temporal.workflow.executeUpdateWithStart(signUp, {
          args: [submission],
          startWorkflowOperation: new WithStartWorkflowOperation(invitationWorkflow, options),
        });
        return { kind: 'signed-up', page, result };
      } catch (err) {
        await release();
        const refused = signupRefusal(err);
        if (refused) return { kind: 'refused', page, errors: refused };
        if (err instanceof WorkflowNotFoundError) return { kind: 'link-not-usable', page };
        throw err;
      }
    },
  };
}
export type InviteLinkService = ReturnType<typeof createInviteLinkService>;
