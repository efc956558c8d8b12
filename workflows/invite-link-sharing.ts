// "Share invite link via email": one email per address, each delivered once (outbox), each
// address's outcome reported. A failure for one address does not stop the others.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { sendInviteLinkEmail } = proxyActivities<Activities>({
  // As the invitation's sends (workflows/invitation/invitation-workflow.ts): a dead worker is noticed by the heartbeat,
  // and a live attempt may wait out a database outage to record what was already sent.
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

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
