// Names and shapes shared by the workflows, the API and the tests: defined once, here.
// Workflow-safe: this file imports nothing but @temporalio/workflow types and definitions.
import { defineQuery } from '@temporalio/workflow';

export const invitationStages = [
  'scheduled',
  'sending',
  'awaiting_signup',
  'license_pending',
  'activated',
  'expired',
  'revoked',
  'delivery_failed',
] as const;
export type InvitationStage = (typeof invitationStages)[number];

export type InvitationChannel = 'email' | 'text' | 'link';

/** What the API hands the invitation workflow: already validated, plain, and free of secrets. */
export interface InvitationInput {
  /** Also the workflow id, e.g. `invitation:acme:ana@example.com`. */
  invitationId: string;
  accountId: string;
  channel: InvitationChannel;
  inviteeEmail?: string;
  inviteePhone?: string;
  /** How long a sent invitation link stays valid. */
  lifetimeMs: number;
}

/** One message the workflow had delivered (the outbox key makes it unique). */
export interface SentMessage {
  outboxKey: string;
  channel: 'email' | 'text';
  recipient: string;
  messageId: string;
  sentAt: string;
}

export interface InvitationStatus {
  invitationId: string;
  stage: InvitationStage;
  /** ISO time of entering each stage reached so far. */
  stageTimes: Partial<Record<InvitationStage, string>>;
  expiresAt?: string;
  messages: SentMessage[];
  deliveryFailure?: string;
}

export const getInvitationStatus = defineQuery<InvitationStatus>('getInvitationStatus');

/** ApplicationFailure types raised by activities; workflows branch on them. */
export const failureTypes = {
  /** The mailbox or number was refused for good; retrying cannot help. */
  deliveryRejected: 'DeliveryRejected',
  /** The invitation row the workflow refers to is gone. */
  invitationNotFound: 'InvitationNotFound',
} as const;
