// An invitee asked for a new invitation (the expired-link page's button): the account's admins
// are told by email, each once (outbox). The API starts this after answering the invitee, so the
// page's answer does not wait on it; the decision is the admins', through the API.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NotifyAdminsResult } from '../activities/account-admins';
import { sendingActivityOptions } from './sending';

const { notifyAdminsOfInvitationRequest } = proxyActivities<Activities>(sendingActivityOptions);

export interface InvitationRequestInput {
  requestId: string;
}

export async function invitationRequestWorkflow(input: InvitationRequestInput): Promise<NotifyAdminsResult> {
  return notifyAdminsOfInvitationRequest({ requestId: input.requestId });
}
