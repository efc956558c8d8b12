import { z } from 'zod';
import { accountParams, emailList, localDateTime, timeZone } from '../../../schemas';
import { invitationStages } from '../../../../../domain/stages';

export const invitationParams = accountParams.extend({ invitationId: z.string().min(1).max(400) });

const role = z.enum(['user', 'admin']).default('user').describe('Invite as an admin (admins only) or as a user');
const schedule = z
  .strictObject({
    localDateTime: localDateTime.describe('Wall-clock time in `timeZone`'),
    timeZone: timeZone.describe('The inviter\'s IANA time zone, e.g. Europe/Paris'),
  })
  .optional()
  .describe('Send later: the invitation goes out at this time in the inviter\'s time zone (a time that has gone by answers 409 `schedule-in-the-past`)');

export const createInvitationBody = z.discriminatedUnion('channel', [
  z
    .strictObject({
      channel: z.literal('email'),
      emails: emailList,
      role,
      schedule,
    })
    .describe('Invite by email'),
  z
    .strictObject({
      channel: z.literal('text'),
      phone: z.string().min(1).max(40).describe('Phone number; national formats use the account\'s country'),
      message: z.string().max(1000).optional().describe('The inviter\'s edited message (emoji welcome); the link is added after it'),
      mediaUrl: z.url({ protocol: /^https?$/ }).max(2000).optional().describe('An attachment, sent as MMS media'),
      role,
      schedule,
    })
    .describe('Invite by text message'),
]);

const sentMessage = z.object({
  outboxKey: z.string(),
  channel: z.enum(['email', 'text']),
  recipient: z.string(),
  messageId: z.string(),
  sentAt: z.string(),
});

export const invitationView = z.object({
  id: z.string().describe('Also the Temporal workflow id'),
  channel: z.enum(['email', 'text', 'link']),
  invitee: z.string(),
  inviteeType: z.enum(['admin', 'coworker', 'guest']).nullable(),
  role: z.string(),
  stage: z.enum(invitationStages),
  created: z.boolean().optional().describe('False when an existing live invitation was returned instead of a new one'),
  createdAt: z.string(),
  sendAt: z.string().optional(),
  expiresAt: z.string().optional(),
  deliveryFailure: z.string().optional(),
  waitingReason: z.string().optional(),
  messages: z.array(sentMessage),
});
