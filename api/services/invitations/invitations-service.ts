// Inviting people: checks who may invite and validates the whole request before anything is sent,
// records each invitation and starts (or finds) its workflow, and asks running ones to resend,
// revoke or take a license. The workflow owns the lifecycle; this only asks it.
import { checkEmailList } from '../../../domain/email-addresses';
import { inviteeTypeFor } from '../../../domain/invitee-type';
import { toE164 } from '../../../domain/phone-numbers';
import { resolveSchedule, type LocalSchedule } from '../../../domain/schedule';
import { assignLicense, resendInvitation, revokeInvitation } from '../../../workflows/invitation/definitions';
import { invitationIdFor, type InviteeToStart } from '../../../workflows/invitation/start';
import { problems } from '../../problems';
import type { AccountService } from '../accounts';
import type { Caller } from '../credentials';
import type { InvitationWorkflows } from './invitation-workflows';
import { invitationRecord, type StartInvitation } from './invitation-starts';
import { invitationView, type InvitationView } from './invitation-view';
import type { InvitationRow, InvitationsData } from './invitations-data';
import type { InvitationPolicy } from './invitations-policy';

interface ScheduleOption {
  schedule?: LocalSchedule;
}
export interface EmailInvitationRequest extends ScheduleOption {
  emails: string | string[];
  role: 'user' | 'admin';
}
export interface TextInvitationRequest extends ScheduleOption {
  phone: string;
  message?: string;
  mediaUrl?: string;
  role: 'user' | 'admin';
}

export interface InvitationServiceDeps {
  invitationsData: InvitationsData;
  accounts: AccountService;
  policy: InvitationPolicy;
  workflows: InvitationWorkflows;
  startInvitation: StartInvitation;
}

function scheduledSendAt(request: ScheduleOption): string | undefined {
  if (!request.schedule) return undefined;
  const r = resolveSchedule(request.schedule, new Date());
  if (!r.ok) {
    const errors = [{ field: `body.${r.field}`, message: r.message }];
    // A time gone by was fine a minute earlier: the request is not invalid, the moment has passed (409).
    throw r.past ? problems.scheduleInThePast('The invitation was not scheduled: the time has gone by; choose a later one.', errors) : problems.validation('The invitation was not scheduled.', errors);
  }
  return r.sendAt.toISOString();
}

export function createInvitationService({ invitationsData, accounts, policy, workflows, startInvitation }: InvitationServiceDeps) {
  async function visibleInvitation(caller: Caller, id: string): Promise<InvitationRow> {
    const row = await invitationsData.byId(id, caller.accountId);
    if (!row || !policy.maySeeInvitation(caller, row)) throw problems.notFound(`Invitation ${id}`);
    return row;
  }

  const service = {
    async inviteByEmail(caller: Caller, request: EmailInvitationRequest, attempt = 1): Promise<InvitationView[]> {
      // The whole request is checked before anything is recorded or sent: all of it goes, or none.
      const { addresses, errors } = checkEmailList(request.emails);
      // The account's settings from memory when kept: the request's one round trip records, and checks they still hold.
      const account = await accounts.inviting(caller.accountId);
      const asAdmin = request.role === 'admin';
      policy.assertMayInvite(caller, account, asAdmin);
      if (errors.length > 0) throw problems.validation('The invitation was not sent: fix the listed addresses.', errors);
      const sendAt = scheduledSendAt(request);
      const invitees = addresses.map((email): InviteeToStart => ({
        id: invitationIdFor(account.id, email), channel: 'email', email, type: inviteeTypeFor(email, account.company_domains, asAdmin), role: asAdmin ? 'admin' : 'user',
      }));
      // One statement: nobody is recorded if anybody is already an active user, or what came from memory changed.
      const recorded = await invitationsData.recordUnlessActive(account.id, invitees.map((i) => invitationRecord(account, caller, i)), {
        credentialId: caller.credentialId, role: caller.role, accountFingerprint: account.fingerprint,
      });
      // Revoked, disabled or given another role since it was kept: the change's notice drops it; a retry is checked afresh.
      if (!recorded.holds.caller) throw problems.unauthenticated();
      if (!recorded.holds.account) {
        accounts.forget(account.id);
        if (attempt < 3) return service.inviteByEmail(caller, request, attempt + 1);
        throw problems.unavailable('The account\'s settings are changing; try again shortly.');
      }
      if (recorded.activeUsers.length > 0) {
        throw problems.alreadyAUser('Some of these people already have an active account in this company; nothing was sent.', { addresses: recorded.activeUsers });
      }
      // Each person's invitation is independent of the others': start them side by side.
      return Promise.all(invitees.map((invitee) => startInvitation(account, caller, invitee, sendAt, recorded.rows.get(invitee.id) ?? null)));
    },

    async inviteByText(caller: Caller, request: TextInvitationRequest): Promise<InvitationView> {
      const account = await accounts.forInvitations(caller.accountId);
      const asAdmin = request.role === 'admin';
      policy.assertMayInvite(caller, account, asAdmin);
      const phone = toE164(request.phone, account.country);
      if (!phone) throw problems.validation('The invitation was not sent.', [{ field: 'body.phone', message: `"${request.phone}" is not a valid phone number` }]);
      const sendAt = scheduledSendAt(request);
      const id = invitationIdFor(account.id, phone);
      if (!sendAt && !(await workflows.isRunning(id))) await policy.claimTextSlot(account.id, phone);
      const role = asAdmin ? 'admin' : 'user';
      return startInvitation(account, caller, { id, channel: 'text', phone, type: asAdmin ? 'admin' : null, role, textMessage: request.message, mediaUrl: request.mediaUrl }, sendAt);
    },

    async get(caller: Caller, invitationId: string): Promise<InvitationView> {
      const row = await visibleInvitation(caller, invitationId);
      return invitationView(row, await workflows.status(invitationId));
    },

    async resend(caller: Caller, invitationId: string): Promise<InvitationView> {
      const row = await visibleInvitation(caller, invitationId);
      if (row.channel === 'text' && row.invitee_phone) await policy.claimTextSlot(caller.accountId, row.invitee_phone);
      return invitationView(row, await workflows.update(row.id, resendInvitation));
    },

    async revoke(caller: Caller, invitationId: string): Promise<InvitationView> {
      const row = await visibleInvitation(caller, invitationId);
      return invitationView(row, await workflows.update(row.id, revokeInvitation));
    },

    async assignLicense(caller: Caller, invitationId: string): Promise<InvitationView> {
      const row = await visibleInvitation(caller, invitationId);
      policy.assertMayAssignLicense(caller);
      return invitationView(row, await workflows.update(row.id, assignLicense));
    },
  };
  return service;
}
export type InvitationService = ReturnType<typeof createInvitationService>;
