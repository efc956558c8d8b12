// Webhook endpoints' request and answer shapes, and every event's payload (version 1): the routes
// validate with them and the OpenAPI document publishes the payloads under `webhooks`
// (api/plugins/openapi.ts). A payload carries ids and stages, never a token, password or PIN.
import { z } from 'zod';
import { invitationStages, userProvisioningStages, provisioningRequestStages } from '../../../../../domain/stages';
import { WEBHOOK_PAYLOAD_VERSION, WEBHOOK_TEST_EVENT, webhookEventTypes, type WebhookEventType } from '../../../../../domain/webhook-events';

export const eventType = z.enum(webhookEventTypes);

const PORT = '(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const WEBHOOK_URL_PATTERN = new RegExp(`^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::${PORT})?(?:/[^\\s#]*)?$`);

export const endpointBody = z.strictObject({
  // The pattern is what the route takes (http or https, a host name, an IPv4 or bracketed IPv6 address, a port, a path);
  // whether the host is one webhooks may go to is DNS's answer, checked by the SSRF guard.
  url: z.string().max(2_000).regex(WEBHOOK_URL_PATTERN, 'must be an http or https URL').describe('Where events are POSTed: http or https; not an address on this machine or a private network'),
  eventTypes: z.array(eventType).min(1).max(webhookEventTypes.length).describe('The events this endpoint receives'),
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional().describe('true by default'),
});
// minProperties says in the document what the refinement checks: a change names at least one field.
export const endpointPatch = endpointBody.partial().refine((b) => Object.keys(b).length > 0, 'give at least one field to change').meta({ minProperties: 1 });

export const endpointView = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.string().optional().describe('Why it was disabled: 410 Gone, or every attempt failed for 3 days'),
  disabledAt: z.string().optional(),
  previousSecretExpiresAt: z.string().optional().describe('After a rotation: until then messages carry both signatures'),
  failingSince: z.string().optional().describe('Every attempt since then failed'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const endpointWithSecret = z.object({ endpoint: endpointView, secret: z.string().describe('whsec_…: shown in this answer only') });

export const attemptView = z.object({
  id: z.string(),
  messageId: z.string().describe('The webhook-id header'),
  eventType: z.string(),
  eventId: z.string(),
  attemptedAt: z.string(),
  statusCode: z.number().int().nullable().describe('null when no answer came (refused, timed out, address not allowed)'),
  latencyMs: z.number().int(),
  response: z.string().describe('The first 1 KB of the answer, or what went wrong'),
  succeeded: z.boolean(),
});
export const messageView = z.object({
  messageId: z.string().describe('The webhook-id header'),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().optional(),
  deliveredAt: z.string().optional(),
  createdAt: z.string(),
});

// The payloads. Every event: { type, version, timestamp, data }.
const invitationData = z.object({
  invitationId: z.string().describe('Also the invitation workflow\'s id'),
  stage: z.enum(invitationStages),
  stageSince: z.string(),
  channel: z.enum(['email', 'text', 'link']),
  invitee: z.object({ email: z.string().nullable(), phone: z.string().nullable() }),
  inviteeType: z.enum(['admin', 'coworker', 'guest']).nullable(),
  role: z.enum(['super_admin', 'admin', 'user']),
  license: z.string(),
  userId: z.string().nullable(),
  expiresAt: z.string().nullable().describe('When the link stops working'),
  deliveryFailure: z.string().nullable().describe('Why nothing reached the invitee (delivery_failed)'),
});
const acceptedData = z.object({ invitationId: z.string(), userId: z.string(), email: z.string() });
const userData = z.object({
  userId: z.string(),
  email: z.string(),
  onboardingStage: z.enum([...new Set([...invitationStages, ...userProvisioningStages])] as [string, ...string[]]),
  stageSince: z.string(),
  invitationId: z.string().optional().describe('When they signed up from an invitation'),
  provisioningWorkflowId: z.string().optional().describe('When an admin added them'),
  license: z.string(),
});
const deactivatedData = z.object({
  userId: z.string(),
  email: z.string(),
  offboardingStage: z.literal('releasing_license').describe('Sign-in and credentials are disabled; the seat, number and deskphone go back next'),
  stageSince: z.string(),
  offboardingWorkflowId: z.string(),
});
const provisioningRequestData = z.object({
  provisioningRequestId: z.string(),
  stage: z.enum(provisioningRequestStages),
  stageSince: z.string(),
  users: z.number().int(),
  usersFailed: z.number().int().nullable(),
});
const batchData = z.object({ invitationBatchId: z.string(), kind: z.enum(['invite', 'resend', 'remind', 'revoke']), rows: z.number().int(), completedAt: z.string() });
const testData = z.object({ endpointId: z.string(), message: z.string(), version: z.number().int() });

const dataOf: Record<WebhookEventType, z.ZodType> = {
  'invitation.scheduled': invitationData,
  'invitation.sent': invitationData,
  'invitation.delivery_failed': invitationData,
  'invitation.expired': invitationData,
  'invitation.revoked': invitationData,
  'invitation.accepted': acceptedData,
  'user.license_pending': userData,
  'user.activated': userData,
  'user.deactivated': deactivatedData,
  'provisioning_request.completed': provisioningRequestData,
  'invitation_batch.completed': batchData,
};

const envelope = (type: string, data: z.ZodType) =>
  z.object({
    type: z.literal(type),
    version: z.literal(WEBHOOK_PAYLOAD_VERSION).describe('The payload\'s version: a change that could break a receiver makes a new one'),
    timestamp: z.string().describe('When the change happened (ISO 8601)'),
    data,
  });

/** Each event type's payload schema, for the OpenAPI document's `webhooks`. */
export const webhookPayloads: Array<{ type: string; schema: z.ZodType }> = [
  ...webhookEventTypes.map((type) => ({ type, schema: envelope(type, dataOf[type]) })),
  { type: WEBHOOK_TEST_EVENT, schema: envelope(WEBHOOK_TEST_EVENT, testData) },
];
