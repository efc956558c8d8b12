// Lists of the account's invitations, users and provisioning requests, served from the read model
// (db/read-model): the service the routes call (lists-service.ts), who sees which rows
// (lists-policy.ts), opaque cursors (cursors.ts) and the rows as shown (list-views.ts).
export { createListService, type ListService, type PageQuery } from './lists-service';
export { workflowUrls, type WorkflowUrl } from './list-views';
export { paged } from './cursors';
