// Delivering invitations. Every send goes through a message_outbox row keyed by invitation,
// step and token generation: a retried, replayed or restarted activity finds the row already
// `sent` and delivers nothing twice; the email's Message-ID is derived from the same key.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from '.';
import { failureTypes, type SentMessage } from '../workflows/definitions';
import { renderInvitationEmail, type Locale } from '../messages/invitation-email';
import { deriveInvitationToken, hashToken } from './invitation-tokens';

export interface SendInvitationEmailInput {
  invitationId: string;
  tokenGeneration: number;
  /** ISO time the link stops working (shown in the email). */
  expiresAt: string;
}

interface InvitationForEmail {
  invitee_email: string | null;
  locale: Locale;
  company_name: string;
  inviter_name: string;
}

/** SMTP replies 5xx (and nodemailer's envelope errors) are final; anything else may pass on retry. */
function isPermanentSmtpFailure(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string };
  return (typeof e.responseCode === 'number' && e.responseCode >= 500) || e.code === 'EENVELOPE';
}

export function createInvitationMessagingActivities({ db, mailer, settings }: ActivityDependencies) {
  const mailDomain = /@([^>\s]+)/.exec(settings.mailFrom)?.[1] ?? 'localhost';

  return {
    async sendInvitationEmail(input: SendInvitationEmailInput): Promise<SentMessage> {
      const { rows } = await db.query<InvitationForEmail>(
        `SELECT i.invitee_email, i.locale, a.name AS company_name,
                trim(u.first_name || ' ' || u.last_name) AS inviter_name
           FROM invitations i JOIN accounts a ON a.id = i.account_id JOIN users u ON u.id = i.invited_by
          WHERE i.id = $1`,
        [input.invitationId],
      );
      const invitation = rows[0];
      if (!invitation?.invitee_email) {
        throw ApplicationFailure.nonRetryable(`Invitation ${input.invitationId} has no email address on record`, failureTypes.invitationNotFound);
      }
      const recipient = invitation.invitee_email;
      const outboxKey = `${input.invitationId}/invite/${input.tokenGeneration}`;
      const messageId = `<${createHash('sha256').update(outboxKey).digest('hex').slice(0, 40)}@${mailDomain}>`;

      const token = deriveInvitationToken(settings.invitationTokenSecret, input.invitationId, input.tokenGeneration);
      // The link must work the moment the email lands, so the current token's hash is recorded first.
      await db.query(
        `UPDATE invitations SET token_hash = $2, token_generation = $3, updated_at = now() WHERE id = $1`,
        [input.invitationId, hashToken(token), input.tokenGeneration],
      );
      const { rows: outbox } = await db.query<{ status: string; sent_at: Date | null }>(
        `INSERT INTO message_outbox (key, invitation_id, channel, recipient) VALUES ($1, $2, 'email', $3)
         ON CONFLICT (key) DO UPDATE SET attempts = message_outbox.attempts + 1
         RETURNING status, sent_at`,
        [outboxKey, input.invitationId, recipient],
      );
      const row = outbox[0]!;
      if (row.status === 'sent') {
        return { outboxKey, channel: 'email', recipient, messageId, sentAt: row.sent_at!.toISOString() };
      }
      if (row.status === 'failed') {
        throw ApplicationFailure.nonRetryable(`Email to ${recipient} was rejected earlier`, failureTypes.deliveryRejected);
      }

      const signupUrl = `${settings.publicBaseUrl}/signup/${token}`;
      const email = renderInvitationEmail({
        locale: invitation.locale,
        inviterName: invitation.inviter_name || invitation.company_name,
        companyName: invitation.company_name,
        signupUrl,
        expiresAt: new Date(input.expiresAt),
      });
      try {
        await mailer.sendMail({ from: settings.mailFrom, to: recipient, messageId, ...email });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        if (isPermanentSmtpFailure(err)) {
          await db.query(`UPDATE message_outbox SET status = 'failed', last_error = $2 WHERE key = $1`, [outboxKey, reason]);
          throw ApplicationFailure.nonRetryable(`Email to ${recipient} was rejected: ${reason}`, failureTypes.deliveryRejected);
        }
        await db.query(`UPDATE message_outbox SET last_error = $2 WHERE key = $1`, [outboxKey, reason]);
        throw err; // transient: Temporal retries with backoff
      }
      const { rows: sent } = await db.query<{ sent_at: Date }>(
        `UPDATE message_outbox SET status = 'sent', provider_message_id = $2, sent_at = now(), last_error = NULL
          WHERE key = $1 RETURNING sent_at`,
        [outboxKey, messageId],
      );
      return { outboxKey, channel: 'email', recipient, messageId, sentAt: sent[0]!.sent_at.toISOString() };
    },
  };
}
