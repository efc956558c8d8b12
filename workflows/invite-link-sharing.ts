// "Share invite link via email": one email per address, each delivered once (outbox), each
// address's outcome reported. A failure for one address does not stop the others.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { sendingActivityOptions } from './sending';

const { sendInviteLinkEmail } = proxyActivities<Activities>(sendingActivityOptions);

export interface ShareInviteLinkInput {
  accountId: string;
  linkId: string;
  emails: string[];
  sharedBy: string;
}

export interface ShareInviteLinkResult {
  sent: string[];
  failed: Array<{ email: string; reason: string }>;
}

export async function shareInviteLinkWorkflow(input: ShareInviteLinkInput): Promise<ShareInviteLinkResult> {
  const result: ShareInviteLinkResult = { sent: [], failed: [] };
  await Promise.all(
    input.emails.map(async (email) => {
      try {
        await sendInviteLinkEmail({ linkId: input.linkId, email, sharedBy: input.sharedBy });
        result.sent.push(email);
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        result.failed.push({ email, reason: err.cause?.message ?? err.message });
      }
    }),
  );
  return result;
}
