// Adding users: the quotes and requests (provisioning-requests-data.ts), who may (…-policy.ts),
// what the rules check against (provisioning-context.ts), quotes (provisioning-quotes.ts), the
// workflow's input (provisioning-input.ts) and start (provisioning-workflows.ts), and the service.
export { createProvisioningRequestsData, type ProvisioningRequestsData } from './provisioning-requests-data';
export { createProvisioningContextLoader, type ProvisioningContextLoader } from './provisioning-context';
export { credentialsActivation } from './provisioning-input';
export { createProvisioningQuotes, type ProvisioningQuotes, type Quote } from './provisioning-quotes';
export { createProvisioningWorkflows, type ProvisioningWorkflows } from './provisioning-workflows';
export { assertMayAddUsers } from './provisioning-requests-policy';
export { createProvisioningRequestService, type ProvisioningRequestService, type SubmitRequest } from './provisioning-requests-service';
