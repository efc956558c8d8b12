// Activities are built by a factory from their dependencies, so the worker passes real services
// and tests pass real local ones (a throwaway database, an in-process SMTP server, the local
// Twilio-compatible endpoint).
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import { createStalledSweepActivities } from '../operations/stalled-activations';
import type { Db } from '../db';
import { createInvitationMessagingActivities } from './invitation-messaging';
import { createInviteLinkSharingActivities } from './invite-link-sharing';
import { createLicenseActivities } from './licenses';
import type { TwilioClient } from './twilio-client';
import { createUserAccountActivities } from './user-accounts';
import { createDeskphoneActivities } from './deskphones';
import { createPhoneNumberActivities } from './phone-numbers';
import { createUserProvisioningActivities } from './user-provisioning';

export interface ActivityDependencies {
  db: Db;
  mailer: Pick<Transporter, 'sendMail'>;
  sms: { client: Pick<TwilioClient, 'messages'>; from: string };
  /** Searching and buying phone numbers (Twilio, or the local Twilio-compatible endpoint). */
  carrier: { client: Pick<TwilioClient, 'availablePhoneNumbers' | 'incomingPhoneNumbers'> };
  /** For the scheduled stalled-activations sweep, which queries and signals other workflows. */
  temporal: Client;
  settings: {
    mailFrom: string;
    /** Links in messages start with this, e.g. http://localhost:3000 */
    publicBaseUrl: string;
    invitationTokenSecret: string;
  };
}

export function createActivities(deps: ActivityDependencies) {
  return {
    ...createInvitationMessagingActivities(deps),
    ...createInviteLinkSharingActivities(deps),
    ...createUserAccountActivities(deps),
    ...createLicenseActivities(deps),
    ...createPhoneNumberActivities(deps),
    ...createDeskphoneActivities(deps),
    ...createUserProvisioningActivities(deps),
    ...createStalledSweepActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
