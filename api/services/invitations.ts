// Inviting people: checks who may invite, validates the whole request before anything is sent,
// records each invitation and starts (or finds) its workflow, and talks to running ones
// (resend, revoke, license). The workflow owns the lifecycle; this only asks it.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Db } from '../../db';
import { checkEmailList } from '../../domain/email-addresses';
import { inviteeTypeFor, type InviteeType } from '../../domain/invitee-type';
import { toE164 } from '../../domain/phone-numbers';
import { resolveSchedule, type LocalSchedule } from '../../domain/schedule';
import { assignLicense, getInvitationStatus, resendInvitation, revokeInvitation, type InvitationStatus } from '../../workflows/invitation/definitions';
import { invitationIdFor, invitationStart, type InviteeToStart } from '../../workflows/invitation/start';
import { problems } from '../problems';
import type { Caller } from './credentials';
import { updateProblem } from '../failures';
import type { InvitationChannel, InvitationStage } from '../../domain/stages';
import type { Plan } from '../../domain/licenses';
import type { Locale } from '../../domain/locales';
import { invitationWorkflow } from '../../workflows';

export interface InvitationView {
  id: string;
  channel: InvitationChannel;
  invitee: string;
  inviteeType: InviteeType | null;
  role: string;
  stage: InvitationStage;
  /** On creation only: false when the person already had a live invitation, returned instead of a new one. */
  created?: boolean;
  createdAt: string;
  sendAt?: string;
  expiresAt?: string;
  deliveryFailure?: string;
  waitingReason?: string;
  messages: InvitationStatus['messages'];
}

export { invitationIdFor };

export interface AccountRow {
  id: string;
  name: string;
  company_domains: string[];
  plan: Plan;
  country: string;
  locale: Locale;
  users_may_invite: boolean;
  invitation_lifetime_seconds: number;
}

interface InvitationRow {
  id: string;
  channel: InvitationChannel;
  invitee_email: string | null;
  invitee_phone: string | null;
  invitee_type: InviteeType | null;
  role: string;
  invited_by: string;
  token_generation: number;
  created_at: Date;
}
const INVITATION_COLUMNS = 'id, channel, invitee_email, invitee_phone, invitee_type, role, invited_by, token_generation, created_at';

export async function loadAccount(db: Db, accountId: string): Promise<AccountRow> {
  return loadAccountWithActiveUsers(db, accountId, []);
}

/** The account, and which of `emails` already belong to its active users: one round trip (invitations are the API's hot path). */
async function loadAccountWithActiveUsers(db: Db, accountId: string, emails: string[]): Promise<AccountRow & { activeUsers: string[] }> {
  const { rows } = await db.query<AccountRow & { activeUsers: string[] }>(
    `SELECT a.id, a.name, a.company_domains, a.plan, a.country, a.locale, a.users_may_invite, a.invitation_lifetime_seconds,
            ARRAY(SELECT lower(u.email) FROM users u WHERE u.account_id = a.id AND lower(u.email) = ANY($2) AND u.status = 'active') AS "activeUsers"
       FROM accounts a WHERE a.id = $1`,
    [accountId, emails],
  );
  if (!rows[0]) throw problems.notFound(`Account ${accountId}`);
  return rows[0];
}

/** Admins may always invite; users only while the account allows it (the account-level permission). */
export function assertMayInvite(caller: Caller, account: AccountRow, asAdmin = false) {
  if (caller.role === 'user' && !account.users_may_invite) {
    throw problems.forbidden('Inviting people is disabled for this account. Please ask your company account admin to review the account settings.');
  }
  if (asAdmin && caller.role === 'user') throw problems.forbidden('Only admins can invite someone as an admin.');
}

/** One text per number per minute ("Please allow a full minute between phone number submissions"). */
export const TEXT_INTERVAL_SECONDS = 60;

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

/** The client's start options around the shared invitation start (workflows/invitation-start.ts). */
export function clientStartOptions(start: ReturnType<typeof invitationStart>, taskQueue: string) {
  // USE_EXISTING: two concurrent requests for the same person land on one workflow.
  return { ...start, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' as const };
}

export interface InvitationServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

export function createInvitationService({ db, temporal, taskQueue }: InvitationServiceDeps) {

  function scheduledSendAt(request: ScheduleOption): string | undefined {
    if (!request.schedule) return undefined;
    const r = resolveSchedule(request.schedule, new Date());
    if (!r.ok) throw problems.validation('The invitation was not scheduled.', [{ field: `body.${r.field}`, message: r.message }]);
    return r.sendAt.toISOString();
  }

  async function status(id: string): Promise<InvitationStatus | undefined> {
    try {
      return await temporal.workflow.getHandle(id).query(getInvitationStatus);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  async function isRunning(id: string): Promise<boolean> {
    try {
      return (await temporal.workflow.getHandle(id).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  function view(row: InvitationRow, s: InvitationStatus | undefined): InvitationView {
    return {
      id: row.id,
      channel: row.channel,
      invitee: row.invitee_email ?? row.invitee_phone ?? '',
      inviteeType: row.invitee_type,
      role: row.role,
      stage: s?.stage ?? 'sending',
      createdAt: row.created_at.toISOString(),
      ...(s?.sendAt ? { sendAt: s.sendAt } : {}),
      ...(s?.expiresAt ? { expiresAt: s.expiresAt } : {}),
      ...(s?.deliveryFailure ? { deliveryFailure: s.deliveryFailure } : {}),
      ...(s?.waitingReason ? { waitingReason: s.waitingReason } : {}),
      messages: (s?.messages ?? []).map(({ tokenHash: _hidden, ...m }) => m),
    };
  }

  /**
   * Records the invitation and starts its workflow, unless the person already has a live one,
   * which is returned instead. An ended invitation (revoked, failed, expired for good) is started
   * again with later token generations, so none of its old links comes back to life.
   */
  async function startInvitation(
    account: AccountRow,
    caller: Caller,
    invitee: InviteeToStart,
    sendAt: string | undefined,
  ): Promise<InvitationView> {
    const values = [invitee.id, account.id, invitee.channel, invitee.email ?? null, invitee.phone ?? null, invitee.type, invitee.role, caller.userId, account.locale, invitee.textMessage ?? null, invitee.mediaUrl ?? null];
    // A first invitation for this person (the common case) needs no look at Temporal: no row, no workflow.
    let row = (
      await db.query<InvitationRow>(
        `INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_phone, invitee_type, role, invited_by, locale, text_message, media_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING RETURNING ${INVITATION_COLUMNS}`,
        values,
      )
    ).rows[0];
    if (!row) {
      // Invited before: a live invitation is returned as it is; an ended one starts again.
      if (await isRunning(invitee.id)) {
        const { rows } = await db.query<InvitationRow>(`SELECT ${INVITATION_COLUMNS} FROM invitations WHERE id = $1`, [invitee.id]);
        return { ...view(rows[0]!, await status(invitee.id)), created: false };
      }
      row = (
        await db.query<InvitationRow>(
          `UPDATE invitations SET channel = $3, invitee_email = $4, invitee_phone = $5, invitee_type = $6, role = $7, invited_by = $8,
                  locale = $9, text_message = $10, media_url = $11, user_id = NULL, created_at = now(), updated_at = now()
            WHERE id = $1 AND account_id = $2
            RETURNING ${INVITATION_COLUMNS}`,
          values,
        )
      ).rows[0]!;
    }
    const options = clientStartOptions(invitationStart(account, caller.name || caller.userId, caller.role, invitee, sendAt, row.token_generation + 1), taskQueue);
    try {
      // USE_EXISTING: two concurrent requests for the same person land on one workflow.
      await temporal.workflow.start(invitationWorkflow, options);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { ...view(row, { invitationId: invitee.id, stage: sendAt ? 'scheduled' : 'sending', stageTimes: {}, messages: [], ...(sendAt ? { sendAt } : {}) }), created: true };
  }

  async function ownInvitation(caller: Caller, id: string): Promise<InvitationRow> {
    const { rows } = await db.query<InvitationRow>(`SELECT ${INVITATION_COLUMNS} FROM invitations WHERE id = $1 AND account_id = $2`, [id, caller.accountId]);
    const row = rows[0];
    // Users see and manage only the invitations they sent; admins see the whole account's.
    if (!row || (caller.role === 'user' && row.invited_by !== caller.userId)) throw problems.notFound(`Invitation ${id}`);
    return row;
  }

  /** Sends an update to the invitation's workflow and answers with where it stands afterwards. */
  async function ask(row: InvitationRow, update: UpdateDefinition<InvitationStatus, []>): Promise<InvitationView> {
    try {
      return view(row, await temporal.workflow.getHandle(row.id).executeUpdate(update));
    } catch (err) {
      throw updateProblem(err, `Invitation ${row.id}`);
    }
  }

  /** Claims the one-text-per-minute slot for a number, or answers 429 with when to retry. */
  async function claimTextSlot(phone: string): Promise<void> {
    const { rows } = await db.query<{ wait: number | null }>(
      `WITH claimed AS (
         INSERT INTO text_invitation_throttle (phone, last_sent_at) VALUES ($1, now())
         ON CONFLICT (phone) DO UPDATE SET last_sent_at = now()
           WHERE text_invitation_throttle.last_sent_at <= now() - make_interval(secs => $2)
         RETURNING 1)
       SELECT CASE WHEN EXISTS (SELECT 1 FROM claimed) THEN NULL
              ELSE ceil(extract(epoch FROM (SELECT last_sent_at FROM text_invitation_throttle WHERE phone = $1) + make_interval(secs => $2) - now()))::int END AS wait`,
      [phone, TEXT_INTERVAL_SECONDS],
    );
    const wait = rows[0]?.wait;
    if (wait !== null && wait !== undefined) throw problems.textRateLimited(Math.max(1, wait));
  }

  return {
    async inviteByEmail(caller: Caller, request: EmailInvitationRequest): Promise<InvitationView[]> {
      // The whole request is checked before anything is recorded or sent: all of it goes, or none.
      const { addresses, errors } = checkEmailList(request.emails);
      const account = await loadAccountWithActiveUsers(db, caller.accountId, addresses);
      const asAdmin = request.role === 'admin';
      assertMayInvite(caller, account, asAdmin);
      if (errors.length > 0) throw problems.validation('The invitation was not sent: fix the listed addresses.', errors);
      const sendAt = scheduledSendAt(request);
      if (account.activeUsers.length > 0) {
        throw problems.alreadyAUser('Some of these people already have an active account in this company; nothing was sent.', { addresses: account.activeUsers });
      }

      // Each person's invitation is independent of the others': start them side by side.
      return Promise.all(
        addresses.map((email) =>
          startInvitation(
            account,
            caller,
            { id: invitationIdFor(account.id, email), channel: 'email', email, type: inviteeTypeFor(email, account.company_domains, asAdmin), role: asAdmin ? 'admin' : 'user' },
            sendAt,
          ),
        ),
      );
    },

    async inviteByText(caller: Caller, request: TextInvitationRequest): Promise<InvitationView> {
      const account = await loadAccount(db, caller.accountId);
      const asAdmin = request.role === 'admin';
      assertMayInvite(caller, account, asAdmin);
      const phone = toE164(request.phone, account.country);
      if (!phone) throw problems.validation('The invitation was not sent.', [{ field: 'body.phone', message: `"${request.phone}" is not a valid phone number` }]);
      const sendAt = scheduledSendAt(request);
      const id = invitationIdFor(account.id, phone);
      if (!sendAt && !(await isRunning(id))) await claimTextSlot(phone);
      return startInvitation(
        account,
        caller,
        { id, channel: 'text', phone, type: asAdmin ? 'admin' : null, role: asAdmin ? 'admin' : 'user', textMessage: request.message, mediaUrl: request.mediaUrl },
        sendAt,
      );
    },

    async get(caller: Caller, invitationId: string): Promise<InvitationView> {
      const row = await ownInvitation(caller, invitationId);
      return view(row, await status(invitationId));
    },

    async resend(caller: Caller, invitationId: string): Promise<InvitationView> {
      const row = await ownInvitation(caller, invitationId);
      if (row.channel === 'text' && row.invitee_phone) await claimTextSlot(row.invitee_phone);
      return ask(row, resendInvitation);
    },

    async revoke(caller: Caller, invitationId: string): Promise<InvitationView> {
      return ask(await ownInvitation(caller, invitationId), revokeInvitation);
    },

    async assignLicense(caller: Caller, invitationId: string): Promise<InvitationView> {
      const row = await ownInvitation(caller, invitationId);
      if (caller.role !== 'super_admin') throw problems.forbidden('Only a Super Admin can assign Video Pro+ licenses.');
      return ask(row, assignLicense);
    },
  };
}
export type InvitationService = ReturnType<typeof createInvitationService>;
