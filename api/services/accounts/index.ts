// Accounts: loading the caller's (accounts-service.ts) and creating one with its first people
// (bootstrap command, dev demo, tests).
import type { Db } from '../../../db';
import { createCredentialService } from '../credentials';
import { createAccountsData, type NewAccount, type NewPerson } from './accounts-data';

export { ACCOUNT_FINGERPRINT, createAccountsData, type AccountRow, type AccountSettings, type AccountsData, type NewAccount } from './accounts-data';
export { createAccountService, type AccountService } from './accounts-service';

export async function createAccountWithSuperAdmin(db: Db, a: NewAccount): Promise<{ accountId: string; superAdminId: string; credential: string }> {
  const superAdminId = await createAccountsData(db).createWithSuperAdmin(a);
  const { secret } = await createCredentialService({ db }).issue(a.id, superAdminId, 'bootstrap');
  return { accountId: a.id, superAdminId, credential: secret };
}

/** Adds another active person with a role and an API credential (admins and users in tests and demos). */
export async function addPersonWithCredential(db: Db, accountId: string, p: NewPerson): Promise<{ userId: string; credential: string }> {
  const userId = await createAccountsData(db).addPerson(accountId, p);
  const { secret } = await createCredentialService({ db }).issue(accountId, userId, 'person');
  return { userId, credential: secret };
}
