// The roles a person holds in a company account.
export type Role = 'super_admin' | 'admin' | 'user';
export const roles = ['super_admin', 'admin', 'user'] as const satisfies readonly Role[];
