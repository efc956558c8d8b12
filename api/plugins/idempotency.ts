// Idempotency-Key on POSTs: repeating a request with the same key returns the first result
// instead of doing the work again. Keys are per credential; a key reused for a different
// request is refused; a first request still running answers 409 with Retry-After.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../../db';
import { problems } from '../problems';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { credentialId: string; key: string };
  }
}

const requestHash = (r: FastifyRequest) => createHash('sha256').update(`${r.method} ${r.url}\n${JSON.stringify(r.body ?? null)}`).digest('hex');

export default fp(async function idempotency(app: FastifyInstance, { db }: { db: Db }) {
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.identity) return;
    if (key.length < 1 || key.length > 200) throw problems.invalidIdempotencyKey();
    const credentialId = request.identity.credentialId;
    const hash = requestHash(request);
    const { rowCount } = await db.query(
      `INSERT INTO idempotency_keys (credential_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [credentialId, key, hash],
    );
    if (rowCount === 1) {
      request.idempotency = { credentialId, key };
      return;
    }
    const { rows } = await db.query<{ request_hash: string; status_code: number | null; content_type: string | null; response_body: string | null }>(
      `SELECT request_hash, status_code, content_type, response_body FROM idempotency_keys WHERE credential_id = $1 AND key = $2`,
      [credentialId, key],
    );
    const first = rows[0]!;
    if (first.request_hash !== hash) {
      throw problems.idempotencyKeyReused();
    }
    if (first.status_code === null) {
      throw problems.idempotencyInProgress();
    }
    return reply.code(first.status_code).header('idempotent-replayed', 'true').type(first.content_type ?? 'application/json').send(first.response_body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const k = request.idempotency;
    if (!k) return payload;
    request.idempotency = undefined;
    if (reply.statusCode >= 500) {
      // Not done: let the client retry with the same key.
      await db.query(`DELETE FROM idempotency_keys WHERE credential_id = $1 AND key = $2`, [k.credentialId, k.key]);
    } else {
      await db.query(`UPDATE idempotency_keys SET status_code = $3, content_type = $4, response_body = $5 WHERE credential_id = $1 AND key = $2`, [
        k.credentialId, k.key, reply.statusCode, String(reply.getHeader('content-type') ?? 'application/json'), typeof payload === 'string' ? payload : String(payload ?? ''),
      ]);
    }
    return payload;
  });
});
