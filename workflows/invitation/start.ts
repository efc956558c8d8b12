// How every invitation workflow is started: its input, readable id, search attributes and summary
// (where it stands is the workflow's own current details). Workflow-safe, so the API (client
// starts) and the user-provisioning workflow (child starts) build invitations the same way.
import type { InviteeType } from '../../domain/invitee-type';
import type { InvitationInput } from './definitions';
import { AccountId, InviteeEmail, InviteePhone, OnboardingChannel, OnboardingStage } from '../search-attributes';
import type { InvitationChannel } from '../../domain/stages';
import { needsPaidSeat, type License, type Plan } from '../../domain/licenses';

export interface InvitingAccount {
  id: string;
  name: string;
  plan: Plan;
  invitation_lifetime_seconds: number;
}

export interface InviteeToStart {
  id: string;
  channel: InvitationChannel;
  email?: string;
  phone?: string;
  type: InviteeType | null;
  role: string;
  textMessage?: string;
  mediaUrl?: string;
  /**
   * A license the inviter chose for this person (a batch row's): a paid one is assigned after
   * signup by a Super Admin, when a seat is free (license pending); a free one is given at activation.
   */
  license?: License;
}

export function invitationIdFor(accountId: string, invitee: string): string {
  return `invitation:${accountId}:${invitee}`;
}

export function invitationStart(
  account: InvitingAccount,
  invitedBy: string,
  invitedByRole: string,
  invitee: InviteeToStart,
  sendAt: string | undefined,
  firstTokenGeneration: number,
  /** A user an admin added already holds a seat for this license: activation gives it, no Super Admin step. */
  provisionedLicense?: License,
) {
  const input: InvitationInput = {
    invitationId: invitee.id,
    accountId: account.id,
    channel: invitee.channel,
    ...(invitee.email ? { inviteeEmail: invitee.email } : {}),
    ...(invitee.phone ? { inviteePhone: invitee.phone } : {}),
    lifetimeMs: account.invitation_lifetime_seconds * 1000,
    firstTokenGeneration,
    ...(sendAt ? { sendAt } : {}),
    ...(provisionedLicense
      ? { licenseOnActivation: provisionedLicense }
      : invitee.license ? chosenLicense(invitee.license)
      : account.plan === 'video_pro_plus' ? { licenseAfterSignup: 'video_pro_plus' as const } : {}),
  };
  const who = invitee.email ?? invitee.phone!;
  return {
    workflowId: invitee.id,
    args: [input] as [InvitationInput],
    typedSearchAttributes: [
      { key: AccountId, value: account.id },
      { key: OnboardingChannel, value: invitee.channel },
      { key: OnboardingStage, value: sendAt ? 'scheduled' : invitee.channel === 'link' ? 'awaiting_signup' : 'sending' },
      ...(invitee.email ? [{ key: InviteeEmail, value: invitee.email }] : []),
      ...(invitee.phone ? [{ key: InviteePhone, value: invitee.phone }] : []),
    ],
    staticSummary: `Invitation by ${invitee.channel} to ${who}${invitee.type ? ` (${invitee.type})` : ''} for ${account.name}`,
    staticDetails: `Invited by ${invitedBy} (${invitedByRole.replace('_', ' ')}) as ${invitee.role}${sendAt ? `, scheduled for ${sendAt}` : ''}.`,
  };
}

const chosenLicense = (license: License) => (needsPaidSeat(license) ? { licenseAfterSignup: license } : { licenseOnActivation: license });

/**
 * The client's start options around invitationStart, the same for the API and the batch
 * activities. USE_EXISTING: two starts for the same person (two requests, two batches, a retried
 * chunk) land on one workflow.
 */
export function clientStartOptions(start: ReturnType<typeof invitationStart>, taskQueue: string) {
  return { ...start, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' as const };
}
