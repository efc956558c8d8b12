// Emailing an account's admins and Super Admins: each once, through the outbox (the key names the
// occasion and the admin, so a retried or replayed activity sends nothing twice). One admin's
// mailbox refused for good does not keep the others from hearing; anything else is retried (those
// already sent are found sent in the outbox).
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db';
import { failureTypes } from '../domain/failures';
import type { RenderedEmail } from '../messages/html';
import { deliverOnce, type emailSender } from './outbox';

export interface NotifyAdminsResult {
  sent: string[];
  failed: Array<{ email: string; reason: string }>;
}

export interface AccountAdmin {
  id: string;
  email: string;
  name: string;
}

const refusedForGood = (err: unknown) => err instanceof ApplicationFailure && err.type === failureTypes.deliveryRejected;

/** Sends each active admin of `accountId` the email `messageFor` makes, under the outbox key it gives. */
export async function emailAccountAdmins(
  { db, sendEmail }: { db: Db; sendEmail: ReturnType<typeof emailSender> },
  accountId: string,
  messageFor: (admin: AccountAdmin) => { key: string; email: RenderedEmail },
): Promise<NotifyAdminsResult> {
  const result: NotifyAdminsResult = { sent: [], failed: [] };
  const { rows: admins } = await db.query<AccountAdmin>(
    `SELECT id, email, trim(first_name || ' ' || last_name) AS name FROM users
      WHERE account_id = $1 AND role IN ('admin', 'super_admin') AND status = 'active' ORDER BY email`,
    [accountId],
  );
  for (const admin of admins) {
    const { key, email } = messageFor(admin);
    try {
      await deliverOnce(db, { key, channel: 'email', recipient: admin.email, deliver: () => sendEmail(key, admin.email, email) });
      result.sent.push(admin.email);
    } catch (err) {
      if (!refusedForGood(err)) throw err;
      result.failed.push({ email: admin.email, reason: (err as Error).message });
    }
  }
  return result;
}
