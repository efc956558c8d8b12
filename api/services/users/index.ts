export { createUsersData, type UserRow, type UsersData } from './users-data';
export { createUserService, type ActivationRequest, type UserService } from './users-service';
export type { UserView } from './user-view';
export { createUserOffboardingService, type OffboardingOutcome, type OffboardingRequest, type UserOffboardingService } from './user-offboarding-service';
export { assertMayOffboard, requestedByCaller } from './user-offboarding-policy';
