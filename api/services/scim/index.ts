export * from './scim-connection-data';
export * from './scim-connection-service';
export * from './scim-errors';
export * from './scim-groups-data';
export * from './scim-groups-service';
export * from './scim-provisioning';
export * from './scim-users-data';
export * from './scim-users-service';
