// An invitation as the API shows it: its row, and where its workflow says it stands.
import type { InviteeType } from '../../../domain/invitee-type';
import type { InvitationChannel, InvitationStage } from '../../../domain/stages';
import type { InvitationStatus } from '../../../workflows/invitation/definitions';
import type { InvitationRow } from './invitations-data';

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

export function invitationView(row: InvitationRow, s: InvitationStatus | undefined): InvitationView {
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

/** A just-started invitation: the workflow has not said anything yet. */
export const startedStatus = (invitationId: string, sendAt: string | undefined): InvitationStatus => ({
  invitationId,
  stage: sendAt ? 'scheduled' : 'sending',
  stageTimes: {},
  messages: [],
  ...(sendAt ? { sendAt } : {}),
});
