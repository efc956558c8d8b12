// Delivering invitations by email and by text, each exactly once through the outbox (outbox.ts),
// keyed by invitation, step and token generation.
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from './dependencies';
import { type SentMessage } from '../workflows/invitation/definitions';
import { renderInvitationEmail } from '../messages/invitation-email';
import { renderInvitationText } from '../messages/invitation-text';
import { deriveInvitationToken, hashToken } from '../domain/invitation-tokens';
import { awaitTextTurn, deliverOnce, emailSender, PermanentRejection } from './outbox';
import { failureTypes } from '../domain/failures';
import type { Locale } from '../domain/locales';
import { isTwilioRefusal } from './twilio-client';
import { inTransaction } from '../db';
import { writeStage } from '../db/read-model/stage-writes';
import type { InvitationStageRecord } from '../domain/stage-records';

export interface SendInvitationInput {
  invitationId: string;
  tokenGeneration: number;
  /** The first message for this link, or a reminder with the same link. */
  step?: 'invite' | 'reminder';
  /** ISO time the link stops working (shown in the email). */
  expiresAt: string;
  /** The workflow's entry into `sending`: recorded in the read model with the link's token, in one transaction. */
  stage?: InvitationStageRecord;
}

interface InvitationForMessage {
  invitee_email: string | null;
  invitee_phone: string | null;
  text_message: string | null;
  media_url: string | null;
  locale: Locale;
  company_name: string;
  inviter_name: string;
}

interface MessageFrom {
  locale: Locale;
  inviterName: string;
  companyName: string;
}

export function createInvitationMessagingActivities({ db, mailer, sms, settings }: ActivityDependencies) {
  const sendEmail = emailSender(mailer, settings.mailFrom);

  /**
   * The shared path: load the invitation, record the current token's hash (so the link works the
   * moment the message lands), then deliver once through the outbox. `from` is who the message
   * says invites, in which language: the inviter by name, or the company when they have none.
   */
  async function sendThroughOutbox(
    input: SendInvitationInput,
    channel: 'email' | 'text',
    deliver: (m: { invitation: InvitationForMessage; from: MessageFrom; recipient: string; signupUrl: string; outboxKey: string }) => Promise<string>,
  ): Promise<SentMessage> {
    const { rows } = await db.query<InvitationForMessage>(
      `SELECT i.invitee_email, i.invitee_phone, i.text_message, i.media_url, i.locale, a.name AS company_name,
              trim(u.first_name || ' ' || u.last_name) AS inviter_name
         FROM invitations i JOIN accounts a ON a.id = i.account_id JOIN users u ON u.id = i.invited_by
        WHERE i.id = $1`,
      [input.invitationId],
    );
    const invitation = rows[0];
    const recipient = channel === 'email' ? invitation?.invitee_email : invitation?.invitee_phone;
    if (!invitation || !recipient) {
      throw ApplicationFailure.create({
        type: failureTypes.invitationNotFound,
        nonRetryable: true,
        message: `Invitation ${input.invitationId} has no ${channel === 'email' ? 'email address' : 'phone number'} on record`,
      });
    }
    const step = input.step ?? 'invite';
    const outboxKey = `${input.invitationId}/${step}/${input.tokenGeneration}`;
    const token = deriveInvitationToken(settings.invitationTokenSecret, input.invitationId, input.tokenGeneration);
    const tokenHash = hashToken(token);
    await inTransaction(db, async (tx) => {
      await tx.query(`UPDATE invitations SET token_hash = $2, token_generation = $3, updated_at = now() WHERE id = $1`, [
        input.invitationId, tokenHash, input.tokenGeneration,
      ]);
      if (input.stage) await writeStage(tx, input.stage);
    });
    const from: MessageFrom = { locale: invitation.locale, inviterName: invitation.inviter_name || invitation.company_name, companyName: invitation.company_name };
    if (channel === 'text') await awaitTextTurn(db, { key: outboxKey, recipient }, settings.textSpacingSeconds);
    const { messageId, sentAt } = await deliverOnce(db, {
      key: outboxKey,
      invitationId: input.invitationId,
      channel,
      recipient,
      deliver: () => deliver({ invitation, from, recipient, signupUrl: `${settings.publicBaseUrl}/signup/${token}`, outboxKey }),
    });
    return { outboxKey, channel, recipient, messageId, sentAt: sentAt.toISOString(), tokenHash, step };
  }

  return {
    async sendInvitationEmail(input: SendInvitationInput): Promise<SentMessage> {
      return sendThroughOutbox(input, 'email', ({ from, recipient, signupUrl, outboxKey }) =>
        sendEmail(
          outboxKey,
          recipient,
          renderInvitationEmail({
            ...from,
            signupUrl,
            expiresAt: new Date(input.expiresAt),
            reminder: input.step === 'reminder',
          }),
        ),
      );
    },

    async sendInvitationText(input: SendInvitationInput): Promise<SentMessage> {
      return sendThroughOutbox(input, 'text', async ({ invitation, from, recipient, signupUrl }) => {
        const body = renderInvitationText({
          ...from,
          customMessage: input.step === 'reminder' ? null : invitation.text_message,
          reminder: input.step === 'reminder',
          signupUrl,
        });
        try {
          const message = await sms.client.messages.create({
            to: recipient,
            from: sms.from,
            body,
            ...(invitation.media_url ? { mediaUrl: [invitation.media_url] } : {}),
          });
          return message.sid;
        } catch (err) {
          if (isTwilioRefusal(err)) throw new PermanentRejection(`Text to ${recipient} was rejected: ${err.message}`);
          throw err;
        }
      });
    },
  };
}
