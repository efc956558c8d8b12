// What the activity factories are built from: the worker passes real services, tests pass real
// local ones (a throwaway database, an in-process SMTP server, the local Twilio-compatible
// endpoint). Its own module, so each factory can name what it needs without importing index.ts,
// which imports every factory.
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Db } from '../db';
import type { WebhookDeliverySettings } from '../domain/webhook-events';
import type { InvitationBatchWorkflow } from '../workflows/invitation-batch/definitions';
import type { InvitationWorkflow } from '../workflows/invitation/definitions';
import type { TwilioClient } from './twilio-client';

export interface ActivityDependencies {
  db: Db;
  mailer: Pick<Transporter, 'sendMail'>;
  sms: { client: Pick<TwilioClient, 'messages'>; from: string };
  /** Searching and buying phone numbers (Twilio, or the local Twilio-compatible endpoint). */
  carrier: { client: Pick<TwilioClient, 'availablePhoneNumbers' | 'incomingPhoneNumbers'> };
  /** For the scheduled stalled-activations sweep, which queries and signals other workflows. */
  temporal: Client;
  /**
   * The workflows activities start, by typed reference. Given, not imported: a workflow's module
   * imports the activities' types, so an activity importing it would close an import cycle.
   */
  workflows: { invitationWorkflow: InvitationWorkflow; invitationBatchWorkflow: InvitationBatchWorkflow };
  settings: {
    mailFrom: string;
    /** Links in messages start with this, e.g. http://localhost:3000 */
    publicBaseUrl: string;
    invitationTokenSecret: string;
    /** Carrier-level spacing between two texts to one number, whoever sends them (TEXT_INTERVAL_SECONDS). */
    textSpacingSeconds: number;
    /** Messages a minute one account's batches may send, unless the account has its own (DEFAULT_BATCH_MESSAGES_PER_MINUTE). */
    batchMessagesPerMinute?: number;
    /** Webhook delivery: time limit, answer cap, backoff, retry window, private addresses (DEFAULT_WEBHOOK_DELIVERY unless set). */
    webhooks?: Partial<WebhookDeliverySettings>;
  };
}
