// Deactivating and reactivating a user: which workflow does it. Both go to the user's one
// offboarding workflow (`offboarding:<account>:<user>`) by update-with-start, so a second request
// finds the running workflow instead of racing it, and a reactivation after the offboarding ended
// starts a run that onboards the user again. Called by the admin routes (after the policy) and by
// the SCIM endpoint (the identity provider's `active=false`, `DELETE`, `active=true`).
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../../db';
import type { OffboardingStage } from '../../../domain/stages';
import { offboardingWorkflow } from '../../../workflows';
import {
  deactivationRequested,
  deskphoneReturned,
  getOffboardingStatus,
  offboardingWorkflowId,
  reactivateUser,
  type OffboardingInput,
  type OffboardingStatus,
} from '../../../workflows/offboarding/definitions';
import { offboardingStart } from '../../../workflows/offboarding/start';
import { askWorkflow } from '../../deadlines';
import { updateProblem } from '../../failures';
import { problems } from '../../problems';
import { createUserOffboardingData, type OffboardingUserRow } from './user-offboarding-data';

export interface OffboardingRequest {
  accountId: string;
  userId: string;
  /** Who asked, as people read it: an admin's user id, or e.g. `scim`. */
  requestedBy: string;
}

export interface OffboardingOutcome {
  workflowId: string;
  stage: OffboardingStage;
  /** The workflow's own account, when it answered (absent when the read model answered for an ended offboarding). */
  status?: OffboardingStatus;
}

/** Where a reactivated user's offboarding ends: asked again, the same answer. */
const REACTIVATED: OffboardingStage[] = ['awaiting_seat', 'reactivated', 'reonboarding'];

export function createUserOffboardingService({ db, temporal, taskQueue }: { db: Db; temporal: Client; taskQueue: string }) {
  const data = createUserOffboardingData(db);

  async function userOf(accountId: string, userId: string): Promise<OffboardingUserRow> {
    const u = await data.user(accountId, userId);
    if (!u) throw problems.notFound(`User ${userId}`);
    return u;
  }

  /** The reactivation goes to the running offboarding, or to a new run that onboards the user again. */
  async function askReactivation(u: OffboardingUserRow, r: OffboardingRequest): Promise<OffboardingOutcome> {
    const input: OffboardingInput = { accountId: r.accountId, userId: r.userId, requestedBy: r.requestedBy, startedFor: 'reactivation' };
    const startWorkflowOperation = new WithStartWorkflowOperation(offboardingWorkflow, { ...offboardingStart(input, u.email), taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' });
    try {
      const status = await askWorkflow(temporal, () => temporal.workflow.startUpdateWithStart(reactivateUser, { args: [{ requestedBy: r.requestedBy }], startWorkflowOperation, waitForStage: 'ACCEPTED' }));
      return { workflowId: status.workflowId, stage: status.stage, status };
    } catch (err) {
      throw updateProblem(err, `The offboarding of user ${r.userId}`);
    }
  }

  return {
    /** Deactivates the user: starts their offboarding, or answers with the one under way or done. */
    async deactivate(r: OffboardingRequest): Promise<OffboardingOutcome> {
      const u = await userOf(r.accountId, r.userId);
      // Offboarded already (the workflow has ended): nothing to do again.
      if (u.status === 'disabled' && u.offboarding_stage === 'offboarded' && u.offboarding_workflow_id) {
        return { workflowId: u.offboarding_workflow_id, stage: 'offboarded' };
      }
      // Signal-with-start: the running offboarding (or reactivation) hears it, or a new one starts. It
      // needs no worker to answer, so deactivations are taken as fast as Temporal records them.
      const input: OffboardingInput = { accountId: r.accountId, userId: r.userId, requestedBy: r.requestedBy, startedFor: 'deactivation' };
      const start = offboardingStart(input, u.email);
      // Past the request's deadline, or with Temporal out of reach, the client's deadline makes it a 503
      // (api/deadlines.ts): it may or may not have landed, and asking again is safe.
      await temporal.workflow.signalWithStart(offboardingWorkflow, { ...start, taskQueue, signal: deactivationRequested, signalArgs: [{ requestedBy: r.requestedBy }] });
      const under = u.status === 'disabled' && u.offboarding_stage && !REACTIVATED.includes(u.offboarding_stage) && u.offboarding_stage !== 'reactivating';
      return { workflowId: start.workflowId, stage: under ? u.offboarding_stage! : 'ending_onboarding' };
    },

    /**
     * Reactivates a deactivated user: within the quarantine they get their number and a seat back
     * (license pending until one is free); after it they are onboarded again by a new invitation.
     */
    async reactivate(r: OffboardingRequest): Promise<OffboardingOutcome> {
      const u = await userOf(r.accountId, r.userId);
      if (u.status !== 'disabled') {
        if (u.offboarding_stage && REACTIVATED.includes(u.offboarding_stage) && u.offboarding_workflow_id) {
          return { workflowId: u.offboarding_workflow_id, stage: u.offboarding_stage };
        }
        throw problems.wrongStage(`User ${r.userId} is not deactivated (${u.status.replace(/_/g, ' ')}).`);
      }
      return askReactivation(u, r);
    },

    /** A deskphone marked for return was received: the offboarding puts it back into the inventory. */
    async deskphoneReturned(r: { accountId: string; userId: string; deviceId: string }): Promise<OffboardingOutcome> {
      await userOf(r.accountId, r.userId);
      const handle = temporal.workflow.getHandle(offboardingWorkflowId(r.accountId, r.userId));
      try {
        const status = await askWorkflow(temporal, () => handle.startUpdate(deskphoneReturned, { args: [{ deviceId: r.deviceId }], waitForStage: 'ACCEPTED' }));
        return { workflowId: status.workflowId, stage: status.stage, status };
      } catch (err) {
        throw updateProblem(err, `The offboarding of user ${r.userId}`);
      }
    },

    /** Where the user's latest offboarding stands, as its workflow says (also once it has ended). */
    async status(r: { accountId: string; userId: string }): Promise<OffboardingOutcome> {
      await userOf(r.accountId, r.userId);
      try {
        const status = await temporal.workflow.getHandle(offboardingWorkflowId(r.accountId, r.userId)).query(getOffboardingStatus);
        return { workflowId: status.workflowId, stage: status.stage, status };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw problems.notFound(`An offboarding of user ${r.userId}`);
        throw err;
      }
    },

    async quarantine(accountId: string): Promise<{ quarantineSeconds: number }> {
      const seconds = await data.quarantineSeconds(accountId);
      if (seconds === undefined) throw problems.notFound(`Account ${accountId}`);
      return { quarantineSeconds: seconds };
    },

    async setQuarantine(accountId: string, quarantineSeconds: number): Promise<{ quarantineSeconds: number }> {
      await data.setQuarantineSeconds(accountId, quarantineSeconds);
      return { quarantineSeconds };
    },
  };
}
export type UserOffboardingService = ReturnType<typeof createUserOffboardingService>;
