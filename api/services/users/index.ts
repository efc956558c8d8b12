export { createUsersData, type UserRow, type UsersData } from './users-data';
export { createUserService, type ActivationRequest, type UserService } from './users-service';
export type { UserView } from './user-view';
