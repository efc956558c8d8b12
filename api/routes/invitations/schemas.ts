import { z } from 'zod';
import { invitationStages } from '../../../workflows/definitions';

export const accountParams = z.strictObject({ accountId: z.string().min(1).max(64) });
export const invitationParams = accountParams.extend({ invitationId: z.string().min(1).max(400) });

export const createEmailInvitationBody = z
  .strictObject({
    emails: z
      .union([z.string().max(20_000), z.array(z.string().max(320)).max(100)])
      .describe('1 to 20 addresses: a list, or one string separated by commas or semicolons'),
    role: z.enum(['user', 'admin']).default('user').describe('Invite as an admin (admins only) or as a user'),
  })
  .describe('Invite people by email');

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
  expiresAt: z.string().optional(),
  deliveryFailure: z.string().optional(),
  messages: z.array(sentMessage).optional(),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .describe('RFC 9457 problem details');
