// API credentials: who holds them (caller.ts), the table (credentials-data.ts), the secrets
// (credential-secrets.ts), who may manage which (credentials-policy.ts), the service.
import type { Db } from '../../../db';
import { createCredentialsData } from './credentials-data';
import { createCredentialService as serviceOver } from './credentials-service';

export type { Caller } from './caller';
export { createCredentialsData, type CredentialsData, type CredentialView } from './credentials-data';
export type { CredentialService } from './credentials-service';

/** The credential service over a database: the app's, the bootstrap's, and scripts/dev.ts's way to issue one. */
export function createCredentialService({ db }: { db: Db }) {
  return serviceOver({ credentialsData: createCredentialsData(db) });
}
