// Adding users: the quotes and requests (provisioning-requests-data.ts), who may (…-policy.ts),
// what the rules check against (provisioning-context.ts), the workflow's input
// (provisioning-input.ts) and the service that starts the request's workflow.
export { createProvisioningRequestsData, type ProvisioningRequestsData } from './provisioning-requests-data';
export { createProvisioningContextLoader, type ProvisioningContextLoader } from './provisioning-context';
export { credentialsActivation } from './provisioning-input';
export { assertMayAddUsers } from './provisioning-requests-policy';
export { createProvisioningRequestService, type ProvisioningRequestService, type Quote, type SubmitRequest } from './provisioning-requests-service';
