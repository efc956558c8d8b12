// Loading the caller's account, for every service that needs its settings: one place, one 404.
import { problems } from '../../problems';
import type { CallerCache } from '../credentials';
import type { AccountRow, AccountSettings, AccountsData } from './accounts-data';

function found<T>(account: T | undefined, accountId: string): T {
  if (!account) throw problems.notFound(`Account ${accountId}`);
  return account;
}

/** `cache`: the API's caller cache, which keeps account settings until any process changes them. */
export function createAccountService({ accountsData, cache }: { accountsData: AccountsData; cache?: Pick<CallerCache, 'account' | 'forgetAccount'> }) {
  /** The settings inviting reads, from memory when kept (the invitations' hot path). */
  const inviting = async (accountId: string): Promise<AccountRow & { fingerprint: string }> =>
    found(await (cache ? cache.account(accountId, () => accountsData.inviting(accountId)) : accountsData.inviting(accountId)), accountId);

  return {
    /** Inviting by text or link, and the invite-link pages: the account's settings, read afresh. */
    forInvitations: async (accountId: string): Promise<AccountRow> => found(await accountsData.inviting(accountId), accountId),

    /**
     * The email invitations' hot path: the account's settings, from memory when kept. Whoever uses
     * them to record checks in the same statement that they still hold (`fingerprint`,
     * ACCOUNT_FINGERPRINT), and calls `forget` and starts again if not.
     */
    inviting,
    forget: (accountId: string): void => cache?.forgetAccount(accountId),

    /** Adding users: the account's settings. */
    forProvisioningRequests: async (accountId: string): Promise<AccountSettings> => found(await accountsData.forProvisioningRequests(accountId), accountId),
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
