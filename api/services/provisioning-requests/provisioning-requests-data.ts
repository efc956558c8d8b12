// Quotes (what a request would buy, at which prices, for how long) and the requests themselves.
import type { Db } from '../../../db';
import { inTransaction } from '../../../db';
import type { PriceList, QuoteItem } from '../../../domain/provisioning-requests';
import type { PoolClient } from 'pg';
import type { StoredCredentialsRow } from './provisioning-input';

export interface NewQuote {
  accountId: string;
  createdBy: string;
  fingerprint: string;
  price: PriceList;
  lifetimeMinutes: number;
}

/** A quote as a submitted request finds it, locked until the request is recorded. */
export interface LockedQuote {
  fingerprint: string;
  items: QuoteItem[];
  expired: boolean;
  used_by: string | null;
}

export interface NewRequest {
  requestId: string;
  accountId: string;
  requestedBy: string;
  quoteId?: string;
  userCount: number;
  workflowId: string;
  /** Hashes of the users activated with credentials, stored with the request (none: a SCIM request). */
  credentials?: StoredCredentialsRow[];
}

/** Stores one activation's hashes (provisioning-input.ts), for the activation activity to take. */
export async function insertAssignedCredentials(q: Pick<PoolClient, 'query'>, accountId: string, c: StoredCredentialsRow, requestId?: string): Promise<void> {
  await q.query(
    `INSERT INTO assigned_credentials (id, account_id, request_id, password_hash, temporary_password, pin_hash, security_question, security_answer_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [c.id, accountId, requestId ?? null, c.passwordHash, c.temporaryPassword, c.pinHash, c.securityQuestion, c.securityAnswerHash],
  );
}

export function createProvisioningRequestsData(db: Db) {
  return {
    async insertQuote(q: NewQuote): Promise<{ id: string; expiresAt: Date }> {
      const { rows } = await db.query<{ id: string; expires_at: Date }>(
        `INSERT INTO provisioning_quotes (account_id, created_by, fingerprint, items, total_cents, currency, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(mins => $7)) RETURNING id, expires_at`,
        [q.accountId, q.createdBy, q.fingerprint, JSON.stringify(q.price.items), q.price.totalCents, q.price.currency, q.lifetimeMinutes],
      );
      return { id: rows[0]!.id, expiresAt: rows[0]!.expires_at };
    },

    /**
     * Records the request, and with a quote marks it used, in one transaction. The quote is locked
     * and handed to `acceptQuote` first (undefined when it does not exist): throwing refuses it and
     * records nothing.
     */
    async record(r: NewRequest, acceptQuote: (quote: LockedQuote | undefined) => Promise<void>): Promise<void> {
      await inTransaction(db, async (tx) => {
        if (r.quoteId) {
          const { rows } = await tx.query<LockedQuote>(
            `SELECT fingerprint, items, expires_at < now() AS expired, used_by FROM provisioning_quotes WHERE id = $1 AND account_id = $2 FOR UPDATE`,
            [r.quoteId, r.accountId],
          );
          await acceptQuote(rows[0]);
          await tx.query(`UPDATE provisioning_quotes SET used_by = $2 WHERE id = $1`, [r.quoteId, r.requestId]);
        }
        await tx.query(
          `INSERT INTO provisioning_requests (id, account_id, requested_by, quote_id, user_count, workflow_id) VALUES ($1, $2, $3, $4, $5, $6)`,
          [r.requestId, r.accountId, r.requestedBy, r.quoteId ?? null, r.userCount, r.workflowId],
        );
        // The hashes of "assign credentials" users, with the request: the workflow carries only their ids.
        for (const c of r.credentials ?? []) await insertAssignedCredentials(tx, r.accountId, c, r.requestId);
      });
    },

    async request(accountId: string, requestId: string): Promise<{ workflowId: string; createdAt: Date } | undefined> {
      const { rows } = await db.query<{ workflow_id: string; created_at: Date }>(
        `SELECT workflow_id, created_at FROM provisioning_requests WHERE id = $1 AND account_id = $2`,
        [requestId, accountId],
      );
      return rows[0] && { workflowId: rows[0].workflow_id, createdAt: rows[0].created_at };
    },
  };
}
export type ProvisioningRequestsData = ReturnType<typeof createProvisioningRequestsData>;
