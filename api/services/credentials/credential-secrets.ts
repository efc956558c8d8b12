// Credential secrets: random, recognisable by their prefix, kept only as SHA-256.
import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'po_';

export const newSecret = () => PREFIX + randomBytes(32).toString('base64url');

export const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Whether a presented string can be a credential at all (spares the database the rest). */
export const mayBeSecret = (secret: string) => secret.startsWith(PREFIX) && secret.length <= 200;
