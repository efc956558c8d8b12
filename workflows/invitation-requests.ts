// An invitee asked for a new invitation (the expired-link page's button): the account's admins
// are told by email, each once (outbox). The API starts this after answering the invitee, so the
// page's answer does not wait on it; the decision is the admins', through the API.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NotifyAdminsResult } from '../activities/invitation-requests';

const { notifyAdminsOfInvitationRequest } = proxyActivities<Activities>({
  // As the other sends (workflows/invite-link-sharing.ts): a dead worker is noticed by the
  // heartbeat, and a live attempt may wait out a database outage to record what was already sent.
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export interface InvitationRequestInput {
  requestId: string;
}

export async function invitationRequestWorkflow(input: InvitationRequestInput): Promise<NotifyAdminsResult> {
  return notifyAdminsOfInvitationRequest({ requestId: input.requestId });
}
