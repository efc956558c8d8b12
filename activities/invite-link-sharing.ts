// Sending the account's invite link by email. The link's token is derived from its id (like
// invitation tokens), so the activity rebuilds the URL without it ever entering a workflow.
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from './dependencies';
import { renderInviteLinkEmail } from '../messages/invite-link-email';
import { inviteLinkToken } from '../domain/invitation-tokens';
import { deliverOnce, emailSender, PermanentRejection } from './outbox';
import type { Locale } from '../domain/locales';
import { failureTypes } from '../domain/failures';

export function createInviteLinkSharingActivities({ db, mailer, settings }: ActivityDependencies) {
  const sendEmail = emailSender(mailer, settings.mailFrom);
  return {
    async sendInviteLinkEmail({ linkId, email, sharedBy }: { linkId: string; email: string; sharedBy: string }): Promise<{ messageId: string }> {
      const { rows } = await db.query<{ company_name: string; locale: Locale; sharer: string; live: boolean }>(
        `SELECT a.name AS company_name, a.locale, trim(u.first_name || ' ' || u.last_name) AS sharer,
                (l.revoked_at IS NULL AND l.expires_at > now()) AS live
           FROM invite_links l JOIN accounts a ON a.id = l.account_id JOIN users u ON u.id = $2
          WHERE l.id = $1`,
        [linkId, sharedBy],
      );
      const link = rows[0];
      if (!link) throw ApplicationFailure.create({ type: failureTypes.inviteLinkNotFound, nonRetryable: true, message: `Invite link ${linkId} not found` });
      const key = `invite-link:${linkId}/share/${email}`;
      const joinUrl = `${settings.publicBaseUrl}/join/${inviteLinkToken(settings.invitationTokenSecret, linkId)}`;
      const { messageId } = await deliverOnce(db, {
        key,
        channel: 'email',
        recipient: email,
        deliver: async () => {
          // A link revoked or expired before its email went out is not sent at all.
          if (!link.live) throw new PermanentRejection('The invite link was revoked or expired before it could be shared');
          return sendEmail(key, email, renderInviteLinkEmail({ locale: link.locale, sharedBy: link.sharer || link.company_name, companyName: link.company_name, joinUrl }));
        },
      });
      return { messageId };
    },
  };
}
