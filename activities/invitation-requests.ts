// Telling an account's admins that an invitee asked for a new invitation: one email to each admin
// and Super Admin per request, each delivered once through the outbox (keyed by request and
// admin, so a retried or replayed activity sends nothing twice).
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from './dependencies';
import { failureTypes } from '../domain/failures';
import type { Locale } from '../domain/locales';
import { renderInvitationRequestEmail } from '../messages/invitation-request-email';
import { deliverOnce, emailSender } from './outbox';

export interface NotifyAdminsResult {
  sent: string[];
  failed: Array<{ email: string; reason: string }>;
}

interface RequestForEmail {
  account_id: string;
  invitee: string;
  invitation_stage: string | null;
  company_name: string;
  locale: Locale;
}

const refusedForGood = (err: unknown) => err instanceof ApplicationFailure && err.type === failureTypes.deliveryRejected;

export function createInvitationRequestActivities({ db, mailer, settings }: ActivityDependencies) {
  const sendEmail = emailSender(mailer, settings.mailFrom);
  return {
    async notifyAdminsOfInvitationRequest({ requestId }: { requestId: string }): Promise<NotifyAdminsResult> {
      const result: NotifyAdminsResult = { sent: [], failed: [] };
      const { rows } = await db.query<RequestForEmail>(
        `SELECT r.account_id, r.invitee, r.invitation_stage, a.name AS company_name, a.locale
           FROM invitation_requests r JOIN accounts a ON a.id = r.account_id WHERE r.id = $1 AND r.status = 'pending'`,
        [requestId],
      );
      const request = rows[0];
      // Dropped (the link turned out to work) or already decided: nobody needs telling.
      if (!request) return result;
      const { rows: admins } = await db.query<{ id: string; email: string; name: string }>(
        `SELECT id, email, trim(first_name || ' ' || last_name) AS name FROM users
          WHERE account_id = $1 AND role IN ('admin', 'super_admin') AND status = 'active' ORDER BY email`,
        [request.account_id],
      );
      const listUrl = `${settings.publicBaseUrl}/v1/accounts/${encodeURIComponent(request.account_id)}/invitation-requests`;
      for (const admin of admins) {
        const key = `invitation-request:${requestId}/admin/${admin.id}`;
        const email = renderInvitationRequestEmail({
          locale: request.locale, adminName: admin.name, companyName: request.company_name, invitee: request.invitee,
          invitationStage: request.invitation_stage, requestUrl: `${listUrl}/${requestId}`, listUrl,
        });
        try {
          await deliverOnce(db, { key, channel: 'email', recipient: admin.email, deliver: () => sendEmail(key, admin.email, email) });
          result.sent.push(admin.email);
        } catch (err) {
          // One admin's mailbox refused for good does not keep the others from hearing; anything
          // else is retried (the ones already sent are found sent in the outbox).
          if (!refusedForGood(err)) throw err;
          result.failed.push({ email: admin.email, reason: (err as Error).message });
        }
      }
      return result;
    },
  };
}
