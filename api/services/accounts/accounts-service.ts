// Loading the caller's account, for every service that needs its settings: one place, one 404.
import { problems } from '../../problems';
import type { AccountRow, AccountSettings, AccountsData } from './accounts-data';

function found<T>(account: T | undefined, accountId: string): T {
  if (!account) throw problems.notFound(`Account ${accountId}`);
  return account;
}

export function createAccountService({ accountsData }: { accountsData: AccountsData }) {
  return {
    /** Inviting: the account, and which of `emails` are already its active users. */
    forInvitations: async (accountId: string, emails: string[] = []): Promise<AccountRow & { activeUsers: string[] }> =>
      found(await accountsData.forInvitations(accountId, emails), accountId),

    /** Adding users: the account's settings. */
    forProvisioningRequests: async (accountId: string): Promise<AccountSettings> => found(await accountsData.forProvisioningRequests(accountId), accountId),
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
