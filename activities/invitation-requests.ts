// Telling an account's admins that an invitee asked for a new invitation: one email to each admin
// and Super Admin per request, each delivered once through the outbox (keyed by request and
// admin, so a retried or replayed activity sends nothing twice).
import type { ActivityDependencies } from './dependencies';
import type { Locale } from '../domain/locales';
import { renderInvitationRequestEmail } from '../messages/invitation-request-email';
import { emailAccountAdmins, type NotifyAdminsResult } from './account-admins';
import { emailSender } from './outbox';

interface RequestForEmail {
  account_id: string;
  invitee: string;
  invitation_stage: string | null;
  company_name: string;
  locale: Locale;
}

export function createInvitationRequestActivities({ db, mailer, settings }: ActivityDependencies) {
  const sendEmail = emailSender(mailer, settings.mailFrom);
  return {
    async notifyAdminsOfInvitationRequest({ requestId }: { requestId: string }): Promise<NotifyAdminsResult> {
      const { rows } = await db.query<RequestForEmail>(
        `SELECT r.account_id, r.invitee, r.invitation_stage, a.name AS company_name, a.locale
           FROM invitation_requests r JOIN accounts a ON a.id = r.account_id WHERE r.id = $1 AND r.status = 'pending'`,
        [requestId],
      );
      const request = rows[0];
      // Dropped (the link turned out to work) or already decided: nobody needs telling.
      if (!request) return { sent: [], failed: [] };
      const listUrl = `${settings.publicBaseUrl}/v1/accounts/${encodeURIComponent(request.account_id)}/invitation-requests`;
      return emailAccountAdmins({ db, sendEmail }, request.account_id, (admin) => ({
        key: `invitation-request:${requestId}/admin/${admin.id}`,
        email: renderInvitationRequestEmail({
          locale: request.locale, adminName: admin.name, companyName: request.company_name, invitee: request.invitee,
          invitationStage: request.invitation_stage, requestUrl: `${listUrl}/${requestId}`, listUrl,
        }),
      }));
    },
  };
}
