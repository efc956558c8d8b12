// PostgreSQL out of reach: the API answers 503 problem+json with Retry-After, promptly, never a 500
// or a hang; /health says which part is down. (Fast tier: through app.inject.)
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../../api/app';
import { createDb } from '../../db';
import { freePort } from '../../scripts/local-stack/ports';
import { testStackEnv } from '../support/stack-env';

test('with the database unreachable, requests get 503 problem+json and health says so', async () => {
  const deadPort = await freePort(); // nothing listens there
  const db = createDb(`postgres://postgres:postgres@127.0.0.1:${deadPort}/nowhere`, { connectionTimeoutMillis: 2_000 });
  const connection = await Connection.connect({ address: testStackEnv().temporalAddress });
  const app = await buildApp({ db, temporal: new Client({ connection }), taskQueue: 'nowhere', invitationTokenSecret: 'x'.repeat(32), publicBaseUrl: 'http://127.0.0.1' });
  try {
    for (const [method, url, body] of [
      ['GET', '/v1/accounts/acme/licenses', undefined],
      ['POST', '/v1/accounts/acme/invitations', { channel: 'email', emails: 'a@acme.test' }],
      ['GET', `/signup/${'t'.repeat(43)}`, undefined],
    ] as const) {
      const started = Date.now();
      const res = await app.inject({
        method,
        url,
        headers: { authorization: 'Bearer po_whatever-credential-0000000000000000000000', ...(body ? { 'content-type': 'application/json' } : {}) },
        payload: body ? JSON.stringify(body) : undefined,
      });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 503 });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'degraded', postgres: { ok: false }, temporal: { ok: true } });
  } finally {
    await app.close();
    await db.end();
    await connection.close();
  }
});
