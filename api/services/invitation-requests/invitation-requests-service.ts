// "Ask for a new invitation": an invitee whose link no longer works asks from the page; the
// account's admins are told by email and decide. Approving is one resend of the invitation; an
// invitation that was revoked (or has ended for good, so cannot be resent) is started again
// through the normal invitation start, as the approving admin. The page's answer is the same
// whatever the token: one database statement, then the answer; the rest happens after it.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { hashToken } from '../../../domain/invitation-tokens';
import { stageWords, type InvitationStage } from '../../../domain/stages';
import { invitationRequestWorkflow } from '../../../workflows';
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import type { InvitationService, InvitationView, InvitationWorkflows } from '../invitations';
import { mayBeToken } from '../signup/signup-submission';
import type { InvitationRequestOutcome, InvitationRequestRow, InvitationRequestsData, InvitationRequestStatus, RequestQuota } from './invitation-requests-data';
import { assertMayDecide, DEFAULT_REQUEST_QUOTA } from './invitation-requests-policy';
import { paged, type PageQuery } from '../lists';

/** A request younger than this is left to the API that recorded it (it starts the follow-up right after answering). */
export const FOLLOW_UP_GRACE_MS = 10_000;

export interface InvitationRequestView {
  id: string;
  invitationId: string;
  channel: InvitationRequestRow['channel'];
  invitee: string;
  /** Where the invitation stood when the request was checked; null when its workflow is gone. */
  invitationStage: InvitationStage | null;
  status: InvitationRequestStatus;
  outcome?: InvitationRequestOutcome;
  requestedAt: string;
  decidedAt?: string;
  decidedBy?: string;
}

const view = (r: InvitationRequestRow): InvitationRequestView => ({
  id: r.id,
  invitationId: r.invitation_id,
  channel: r.channel,
  invitee: r.invitee,
  invitationStage: r.invitation_stage,
  status: r.status,
  ...(r.outcome ? { outcome: r.outcome } : {}),
  requestedAt: r.requested_at.toISOString(),
  ...(r.decided_at ? { decidedAt: r.decided_at.toISOString() } : {}),
  ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
});

/** Request ids are UUIDs; anything else is simply not found (never a database error). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The stages a request is for: the link stopped working and nobody signed up through it. */
const renewable: readonly InvitationStage[] = ['expired', 'revoked', 'delivery_failed'];

export interface InvitationRequestServiceDeps {
  invitationRequestsData: InvitationRequestsData;
  invitations: InvitationService;
  invitationWorkflows: InvitationWorkflows;
  temporal: Client;
  taskQueue: string;
  quota?: RequestQuota;
}

export function createInvitationRequestService(deps: InvitationRequestServiceDeps) {
  const { invitationRequestsData: data, invitations, invitationWorkflows, temporal, taskQueue, quota = DEFAULT_REQUEST_QUOTA } = deps;

  async function visible(caller: Caller, id: string): Promise<InvitationRequestRow> {
    assertMayDecide(caller);
    const row = UUID.test(id) ? await data.byId(id, caller.accountId) : undefined;
    if (!row) throw problems.notFound(`Invitation request ${id}`);
    return row;
  }

  /** A revoked invitation, or one whose workflow has ended: invited again as the approving admin would invite them. */
  async function inviteAgain(caller: Caller, r: InvitationRequestRow): Promise<InvitationView> {
    const role = r.role === 'admin' ? 'admin' : 'user';
    if (r.channel === 'email') return (await invitations.inviteByEmail(caller, { emails: [r.invitee], role }))[0]!;
    return invitations.inviteByText(caller, { phone: r.invitee, role, message: r.text_message ?? undefined, mediaUrl: r.media_url ?? undefined });
  }

  /** One resend, or a fresh invitation; a link that works again, or a signup, leaves nothing to approve. */
  async function renew(caller: Caller, r: InvitationRequestRow): Promise<{ outcome: InvitationRequestOutcome; invitation: InvitationView }> {
    const [running, status] = await Promise.all([invitationWorkflows.isRunning(r.invitation_id), invitationWorkflows.status(r.invitation_id)]);
    const stage = status?.stage;
    if (stage === 'license_pending' || stage === 'activated') throw problems.wrongStage(`${r.invitee} has signed up since asking; dismiss this request.`);
    if (!running) return { outcome: 'invited_again', invitation: await inviteAgain(caller, r) };
    if (stage && renewable.includes(stage)) return { outcome: 'resent', invitation: await invitations.resend(caller, r.invitation_id) };
    throw problems.wrongStage(`The invitation to ${r.invitee} is ${stageWords(stage ?? 'sending')} again, with a link that works; dismiss this request.`);
  }

  return {
    /**
     * The invitee pressed "Ask for a new invitation". Records the request when the token is an
     * invitation's current link and the limits allow; answers its id (for `followUp`, after the
     * page is sent), or nothing. The caller answers the same page either way.
     */
    async ask(token: string): Promise<string | undefined> {
      if (!mayBeToken(token)) return undefined;
      return data.record(hashToken(token), quota);
    },

    /**
     * After the answer: a request for a link that works (or was used) is no request and is
     * dropped; otherwise the stage is kept for the admins' list and the email to them starts.
     */
    async followUp(requestId: string): Promise<void> {
      const row = await data.byId(requestId);
      if (!row) return;
      const stage = (await invitationWorkflows.status(row.invitation_id))?.stage;
      if (stage && !renewable.includes(stage)) return data.drop(requestId);
      await data.recordStage(requestId, stage ?? null);
      try {
        await temporal.workflow.start(invitationRequestWorkflow, {
          taskQueue,
          workflowId: `invitation-request:${requestId}`,
          // One workflow per request, ever: a relay's start after a late first one (or the other way round) finds it.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [{ requestId }],
          staticSummary: `${row.invitee} asks ${row.account_id}'s admins for a new invitation`,
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      await data.followUpStarted(requestId);
    },

    /** A page of the account's requests, newest first, with the opaque cursor every list has (api/services/lists). */
    async list(caller: Caller, filter: { status?: InvitationRequestStatus }, page: PageQuery): Promise<{ invitationRequests: InvitationRequestView[]; nextCursor: string | null }> {
      assertMayDecide(caller);
      const { items, nextCursor } = await paged('invitation-requests', filter, page, (after) => data.list(caller.accountId, filter, { limit: page.limit, after }), view);
      return { invitationRequests: items, nextCursor };
    },

    /**
     * The relay: requests whose follow-up never started (the API died between answering the page
     * and starting it) are followed up now; the workflow's id and the outbox make a second start
     * or a late first one send nothing twice. Answers how many it followed up.
     */
    async followUpMissed(olderThanMs: number = FOLLOW_UP_GRACE_MS): Promise<number> {
      const ids = await data.notFollowedUp(olderThanMs, 100);
      for (const id of ids) await this.followUp(id);
      return ids.length;
    },

    get: async (caller: Caller, id: string): Promise<InvitationRequestView> => view(await visible(caller, id)),

    /** One resend (or a fresh invitation), once: the first of two admins approving at once wins, the other gets 409. */
    async approve(caller: Caller, id: string): Promise<InvitationRequestView & { invitation: InvitationView }> {
      const row = await visible(caller, id);
      if (row.status !== 'pending' || !(await data.decide(id, caller.accountId, 'approved', caller.userId))) {
        throw problems.wrongStage(`This request was already ${(await data.byId(id))?.status ?? row.status}.`);
      }
      let renewed;
      try {
        renewed = await renew(caller, row);
      } catch (err) {
        await data.undecide(id);
        throw err;
      }
      await data.recordOutcome(id, renewed.outcome);
      return { ...view((await data.byId(id))!), invitation: renewed.invitation };
    },

    async dismiss(caller: Caller, id: string): Promise<InvitationRequestView> {
      const row = await visible(caller, id);
      if (row.status !== 'pending' || !(await data.decide(id, caller.accountId, 'dismissed', caller.userId))) {
        throw problems.wrongStage(`This request was already ${(await data.byId(id))?.status ?? row.status}.`);
      }
      return view((await data.byId(id))!);
    },
  };
}
export type InvitationRequestService = ReturnType<typeof createInvitationRequestService>;
