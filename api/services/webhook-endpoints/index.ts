// Webhook endpoints: the tables (webhook-endpoints-data.ts), who may and where to (webhook-endpoints-policy.ts),
// and the service the routes call (webhook-endpoints-service.ts).
export { createWebhookEndpointsData, type WebhookEndpointsData } from './webhook-endpoints-data';
export { assertMayManageWebhooks, assertWebhookUrlAllowed } from './webhook-endpoints-policy';
export { createWebhookEndpointService, type WebhookEndpointService, type WebhookEndpointView, type WebhookEndpointInput } from './webhook-endpoints-service';
