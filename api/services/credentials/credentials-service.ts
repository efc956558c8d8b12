// API credentials: issued (the secret is shown once), resolved to their caller, listed, revoked.
import { problems } from '../../problems';
import type { Caller } from './caller';
import type { CallerCache } from './caller-cache';
import { mayBeSecret, newSecret, secretHash } from './credential-secrets';
import type { CredentialsData, CredentialView } from './credentials-data';
import { listedOwner, mayManage } from './credentials-policy';

/** `cache`: verified callers kept in memory, dropped as soon as any process changes them (caller-cache.ts). */
export function createCredentialService({ credentialsData, cache }: { credentialsData: CredentialsData; cache?: CallerCache }) {
  /** A new credential for a person (no policy: bootstrap and the checked paths below). */
  async function issue(accountId: string, userId: string, label = ''): Promise<{ id: string; secret: string }> {
    const secret = newSecret();
    return { id: await credentialsData.insert(accountId, userId, secretHash(secret), label), secret };
  }

  return {
    issue,

    async resolve(secret: string): Promise<Caller | undefined> {
      if (!mayBeSecret(secret)) return undefined;
      const hash = secretHash(secret);
      return cache ? cache.lookup(hash, () => credentialsData.callerBySecretHash(hash)) : credentialsData.callerBySecretHash(hash);
    },

    /** Stops listening for caller changes (the app's close). */
    close: async (): Promise<void> => cache?.close(),

    list: (caller: Caller): Promise<CredentialView[]> => credentialsData.list(caller.accountId, listedOwner(caller)),

    /** Issues for `userId` (the caller when absent) if the caller may manage that person's credentials. */
    async issueFor(caller: Caller, userId: string = caller.userId, label = ''): Promise<{ id: string; userId: string; secret: string }> {
      const owner = await credentialsData.activePerson(caller.accountId, userId);
      if (!owner) throw problems.notFound(`Person ${userId}`);
      if (!mayManage(caller, userId, owner.role)) throw problems.forbidden('You cannot issue credentials for this person.');
      const issued = await issue(caller.accountId, userId, label);
      return { id: issued.id, userId, secret: issued.secret };
    },

    /** Revokes a credential the caller may manage; any other answers 404, as if it did not exist. */
    async revoke(caller: Caller, credentialId: string): Promise<void> {
      const ownerId = await credentialsData.ownerOf(caller.accountId, credentialId);
      const owner = ownerId ? await credentialsData.activePerson(caller.accountId, ownerId) : undefined;
      if (!ownerId || !mayManage(caller, ownerId, owner?.role ?? 'user')) throw problems.notFound(`Credential ${credentialId}`);
      await credentialsData.revoke(caller.accountId, credentialId);
      // This process at once; the others when the trigger's notice reaches them (at commit).
      cache?.forgetCredential(credentialId);
    },
  };
}
export type CredentialService = ReturnType<typeof createCredentialService>;
