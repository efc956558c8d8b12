// Activities are built by a factory from their dependencies, so the worker passes real
// services and tests pass real local ones (a throwaway database, an in-process SMTP server).
import type { Transporter } from 'nodemailer';
import type { Db } from '../db';
import { createInvitationMessagingActivities } from './invitation-messaging';

export interface ActivityDependencies {
  db: Db;
  mailer: Pick<Transporter, 'sendMail'>;
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
  };
}

export type Activities = ReturnType<typeof createActivities>;
