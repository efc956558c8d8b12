// A signup's password hash is kept apart, in signup_passwords, and the invitation's signUp update
// carries only the row's id: no secret's hash enters a history, encrypted or not. The activity that
// creates (or completes) the user takes the hash and deletes the row in its transaction.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../db';
import type { SignupSubmission } from '../../../domain/signup-rules';

export function createSignupPasswords(db: Db) {
  return {
    /** The submission as the workflow gets it: its hash stored, only the id in it. Rows a crash left behind are purged after 30 days. */
    async keepApart(invitationId: string, { passwordHash, ...submission }: SignupSubmission): Promise<SignupSubmission> {
      const passwordId = randomUUID();
      await db.query(
        `WITH purged AS (DELETE FROM signup_passwords WHERE created_at < now() - interval '30 days')
         INSERT INTO signup_passwords (id, invitation_id, password_hash) VALUES ($1, $2, $3)`,
        [passwordId, invitationId, passwordHash],
      );
      return { ...submission, passwordId };
    },

    /** A signup refused, or that found no invitation to sign up to: nothing will take its hash. */
    async discard({ passwordId }: SignupSubmission): Promise<void> {
      if (passwordId) await db.query(`DELETE FROM signup_passwords WHERE id = $1`, [passwordId]);
    },
  };
}
export type SignupPasswords = ReturnType<typeof createSignupPasswords>;
