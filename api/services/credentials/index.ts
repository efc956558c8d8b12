// API credentials: who holds them (caller.ts), the table (credentials-data.ts), the secrets
// (credential-secrets.ts), who may manage which (credentials-policy.ts), the service.
import type { Db } from '../../../db';
import { createCallerCache, type CallerCache } from './caller-cache';
import { createCredentialsData } from './credentials-data';
import { createCredentialService as serviceOver } from './credentials-service';

export type { Caller } from './caller';
export { createCredentialsData, type CredentialsData, type CredentialView } from './credentials-data';
export type { CredentialService } from './credentials-service';
export { createCallerCache, CALLER_CHANGES_CHANNEL, type CallerCache, type CallerCacheOptions } from './caller-cache';

/**
 * The credential service over a database: the app's, the bootstrap's, and scripts/dev.ts's way to
 * issue one. Verified callers are cached (caller-cache.ts; the app shares its cache with the account
 * service) unless `cache: false`; a cache listens for changes from its first lookup on, so a
 * service that only issues opens no connection.
 */
export function createCredentialService({ db, cache = createCallerCache(db) }: { db: Db; cache?: CallerCache | false }) {
  return serviceOver({ credentialsData: createCredentialsData(db), ...(cache ? { cache } : {}) });
}
