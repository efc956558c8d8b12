// Sending the account's invite link by email. The link's token is derived from its id (like
// invitation tokens), so the activity rebuilds the URL without it ever entering a workflow.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from '.';
import type { Locale } from '../messages/invitation-email';
import { renderInviteLinkEmail } from '../messages/invite-link-email';
import { failureTypes } from '../workflows/definitions';
import { inviteLinkToken } from './invitation-tokens';

export function createInviteLinkSharingActivities({ db, mailer, settings }: ActivityDependencies) {
  const mailDomain = /@([^>\s]+)/.exec(settings.mailFrom)?.[1] ?? 'localhost';
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
      if (!link) throw ApplicationFailure.nonRetryable(`Invite link ${linkId} not found`, failureTypes.invitationNotFound);
      const key = `invite-link:${linkId}/share/${email}`;
      const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${mailDomain}>`;
      const { rows: outbox } = await db.query<{ status: string }>(
        `INSERT INTO message_outbox (key, channel, recipient, attempts) VALUES ($1, 'email', $2, 1)
         ON CONFLICT (key) DO UPDATE SET attempts = message_outbox.attempts + 1 RETURNING status`,
        [key, email],
      );
      if (outbox[0]!.status === 'sent') return { messageId };
      // A link revoked or expired before its email went out is not sent at all.
      if (!link.live) throw ApplicationFailure.nonRetryable('The invite link was revoked or expired before it could be shared', failureTypes.deliveryRejected);
      const joinUrl = `${settings.publicBaseUrl}/join/${inviteLinkToken(settings.invitationTokenSecret, linkId)}`;
      try {
        await mailer.sendMail({ from: settings.mailFrom, to: email, messageId, ...renderInviteLinkEmail({ locale: link.locale, sharedBy: link.sharer || link.company_name, companyName: link.company_name, joinUrl }) });
      } catch (err) {
        const e = err as { responseCode?: number };
        if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
          await db.query(`UPDATE message_outbox SET status = 'failed', last_error = $2 WHERE key = $1`, [key, (err as Error).message]);
          throw ApplicationFailure.nonRetryable(`Email to ${email} was rejected: ${(err as Error).message}`, failureTypes.deliveryRejected);
        }
        throw err;
      }
      await db.query(`UPDATE message_outbox SET status = 'sent', provider_message_id = $2, sent_at = now() WHERE key = $1`, [key, messageId]);
      return { messageId };
    },
  };
}
