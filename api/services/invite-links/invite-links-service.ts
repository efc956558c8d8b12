// The account's shareable invite link: created, read (to copy), rotated, revoked, and shared by
// email through a durable workflow. Signing up through it is in signup/join-service.ts.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { checkEmailList } from '../../../domain/email-addresses';
import { hashToken, inviteLinkToken } from '../../../domain/invitation-tokens';
import { shareInviteLinkWorkflow } from '../../../workflows';
import type { ShareInviteLinkResult } from '../../../workflows/invite-link-sharing';
import { workflowAnswer } from '../../deadlines';
import { problems } from '../../problems';
import type { AccountService } from '../accounts';
import type { Caller } from '../credentials';
import type { InviteLinksData, LinkRow } from './invite-links-data';
import { assertMayManageLink, assertMayShareLink } from './invite-links-policy';

export interface InviteLinkView {
  id: string;
  url: string;
  createdAt: string;
  expiresAt: string;
  maxUses: number | null;
  uses: number;
}

export interface InviteLinkServiceDeps {
  inviteLinksData: InviteLinksData;
  accounts: AccountService;
  temporal: Client;
  taskQueue: string;
  /** Derives the link's token, so the link can be shown again to copy. */
  tokenSecret: string;
  publicBaseUrl: string;
}

export function createInviteLinkService({ inviteLinksData, accounts, temporal, taskQueue, tokenSecret, publicBaseUrl }: InviteLinkServiceDeps) {
  const view = (l: LinkRow): InviteLinkView => ({
    id: l.id,
    url: `${publicBaseUrl}/join/${inviteLinkToken(tokenSecret, l.id)}`,
    createdAt: l.created_at.toISOString(),
    expiresAt: l.expires_at.toISOString(),
    maxUses: l.max_uses,
    uses: l.uses,
  });

  /** The live link, for someone who may invite. */
  async function liveLinkFor(caller: Caller): Promise<LinkRow> {
    assertMayShareLink(caller, await accounts.forInvitations(caller.accountId));
    const link = await inviteLinksData.live(caller.accountId);
    if (!link) throw problems.notFound('The invite link');
    return link;
  }

  return {
    current: async (caller: Caller): Promise<InviteLinkView> => view(await liveLinkFor(caller)),

    /** Creates the link, or rotates it: the old one stops working in the same transaction. */
    async create(caller: Caller, opts: { expiresInDays?: number; maxUses?: number }): Promise<InviteLinkView> {
      assertMayManageLink(caller);
      const account = await accounts.forInvitations(caller.accountId);
      const id = randomUUID();
      return view(await inviteLinksData.rotate({
        id,
        accountId: caller.accountId,
        tokenHash: hashToken(inviteLinkToken(tokenSecret, id)),
        createdBy: caller.userId,
        lifetimeSeconds: opts.expiresInDays ? opts.expiresInDays * 86_400 : account.invitation_lifetime_seconds,
        maxUses: opts.maxUses,
      }));
    },

    async revoke(caller: Caller): Promise<void> {
      assertMayManageLink(caller);
      if (!(await inviteLinksData.revoke(caller.accountId))) throw problems.notFound('The invite link');
    },

    /** "Share invite link via email": a durable workflow sends one email per address. */
    async share(caller: Caller, emails: string | string[]): Promise<ShareInviteLinkResult & { workflowId: string }> {
      const link = await liveLinkFor(caller);
      const { addresses, errors } = checkEmailList(emails);
      if (errors.length) throw problems.validation('The invite link was not shared: fix the listed addresses.', errors);
      const workflowId = `invite-link-share:${caller.accountId}:${randomUUID()}`;
      const handle = await temporal.workflow.start(shareInviteLinkWorkflow, {
        taskQueue,
        workflowId,
        args: [{ accountId: caller.accountId, linkId: link.id, emails: addresses, sharedBy: caller.userId }],
        staticSummary: `Invite link of ${caller.accountId} shared by email with ${addresses.length} address(es)`,
      });
      const result = await workflowAnswer(temporal, () => handle.result());
      return { ...result, workflowId };
    },
  };
}
export type InviteLinkService = ReturnType<typeof createInviteLinkService>;
