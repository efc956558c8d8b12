// The activities with real services built from their addresses: one place, used by the worker's
// entry point, `npm run dev`, the tests' workers and the benchmark.
import type { Client } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { createActivities } from '../activities';
import { createTwilioClient } from '../activities/twilio-client';
import type { Db } from '../db';
import { TEXT_INTERVAL_SECONDS } from '../domain/phone-numbers';
import type { WebhookDeliverySettings } from '../domain/webhook-events';
import { invitationBatchWorkflow, invitationWorkflow } from '../workflows';

export interface ActivityServiceSettings {
  /** e.g. smtp://user:pass@mail.example.com:587 (nodemailer options may ride along, e.g. ?pool=true). */
  smtpUrl: string;
  mailFrom: string;
  /** Twilio itself, or a compatible endpoint when apiBaseUrl is set. */
  twilio: { accountSid: string; authToken: string; apiBaseUrl?: string; from: string };
  publicBaseUrl: string;
  invitationTokenSecret: string;
  /** Carrier-level spacing between two texts to one number, whoever sends them; a minute unless set. */
  textSpacingSeconds?: number;
  /** Messages a minute one account's batches may send, unless the account has its own rate (BATCH_MESSAGES_PER_MINUTE). */
  batchMessagesPerMinute?: number;
  /** Webhook delivery settings (config: WEBHOOK_*); defaults unless set. */
  webhooks?: Partial<WebhookDeliverySettings>;
}

export function activitiesWithServices(db: Db, temporal: Client, s: ActivityServiceSettings) {
  const twilio = createTwilioClient(s.twilio);
  return createActivities({
    db,
    temporal,
    workflows: { invitationWorkflow, invitationBatchWorkflow },
    mailer: nodemailer.createTransport(s.smtpUrl),
    sms: { client: twilio, from: s.twilio.from },
    carrier: { client: twilio },
    settings: { mailFrom: s.mailFrom, publicBaseUrl: s.publicBaseUrl, invitationTokenSecret: s.invitationTokenSecret, textSpacingSeconds: s.textSpacingSeconds ?? TEXT_INTERVAL_SECONDS,
      ...(s.batchMessagesPerMinute ? { batchMessagesPerMinute: s.batchMessagesPerMinute } : {}),
      ...(s.webhooks ? { webhooks: s.webhooks } : {}) },
  });
}
