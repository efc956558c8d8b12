// The API keeps verified callers in memory (api/services/credentials/caller-cache.ts). These tests
// show it is safe with more than one API process: a revocation or a disabled person made through one
// process (or straight in the database, as an activity would) is refused by another as soon as that
// process has heard PostgreSQL's notice; the revoking process refuses it at once; a lookup racing a
// change is not kept; without its listening connection the cache is not used at all.
import { addPersonWithCredential } from '../../api/services/accounts';
import { createCallerCache, createCredentialsData, type Caller } from '../../api/services/credentials';
import { secretHash } from '../../api/services/credentials/credential-secrets';
import { createCredentialService } from '../../api/services/credentials/credentials-service';
import { createDb, type Db } from '../../db';
import { startApiOnly, type ApiOnly } from '../support/api-only';

let a: ApiOnly;
/** The second API process's pool: a connection pool of its own, as another process would have. */
let dbB: Db;
beforeAll(async () => {
  a = await startApiOnly();
  dbB = createDb(a.db.options.connectionString!, { max: 3 });
});
afterAll(async () => {
  await dbB?.end();
  await a?.stop();
});

/** Process B's credential service, counting the credential lookups that reach the database. */
function processB() {
  const data = createCredentialsData(dbB);
  const counted = { lookups: 0 };
  const cache = createCallerCache(dbB);
  const service = createCredentialService({
    credentialsData: { ...data, callerBySecretHash: (hash: string) => (counted.lookups++, data.callerBySecretHash(hash)) },
    cache,
  });
  return { service, cache, counted };
}

test('a credential revoked through one API process is refused by another once it hears the notice, and by the first at once', async () => {
  const b = processB();
  try {
    const person = await addPersonWithCredential(a.db, 'acme', { email: 'rev@acme.test', firstName: 'Rev', lastName: 'Oked', role: 'admin' });
    expect(await b.cache.listening()).toBe(true);
    expect((await b.service.resolve(person.credential))?.userId).toBe(person.userId);
    expect((await b.service.resolve(person.credential))?.userId).toBe(person.userId);
    expect(b.counted.lookups).toBe(1); // the second came from memory

    // Process A (the app) uses and caches it too, then revokes it through the API.
    expect((await a.api('GET', '/v1/accounts/acme/credentials', { credential: person.credential })).status).toBe(200);
    const { body } = await a.api<{ credentials: Array<{ id: string; userId: string }> }>('GET', '/v1/accounts/acme/credentials', { credential: person.credential });
    const credentialId = body.credentials.find((c) => c.userId === person.userId)!.id;
    const heard = b.cache.nextChange();
    expect((await a.api('DELETE', `/v1/accounts/acme/credentials/${credentialId}`)).status).toBe(204);
    // The revoking process: at once, without waiting for its own notice.
    expect((await a.api('GET', '/v1/accounts/acme/credentials', { credential: person.credential })).status).toBe(401);
    expect(await heard).toBe(`credential:${credentialId}`);
    expect(await b.service.resolve(person.credential)).toBeUndefined();
    expect(b.counted.lookups).toBe(2);
  } finally {
    await b.service.close();
  }
});

test('a person disabled by any writer (here straight in the database) loses every cached credential', async () => {
  const b = processB();
  try {
    const person = await addPersonWithCredential(a.db, 'acme', { email: 'dis@acme.test', firstName: 'Dis', lastName: 'Abled', role: 'user' });
    await b.cache.listening();
    expect(await b.service.resolve(person.credential)).toBeDefined();
    expect(await b.service.resolve(person.credential)).toBeDefined();
    expect(b.counted.lookups).toBe(1);
    // A stage write changes none of a caller's columns: no notice, still kept.
    const heard = b.cache.nextChange();
    await a.db.query(`UPDATE users SET onboarding_stage = 'activated' WHERE id = $1`, [person.userId]);
    await a.db.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [person.userId]);
    expect(await heard).toBe(`user:${person.userId}`);
    expect(await b.service.resolve(person.credential)).toBeUndefined();
  } finally {
    await b.service.close();
  }
});

test('a lookup that raced a change is answered but not kept; a lost listening connection stops the cache', async () => {
  const cache = createCallerCache(dbB);
  try {
    const person = await addPersonWithCredential(a.db, 'acme', { email: 'race@acme.test', firstName: 'Ra', lastName: 'Ce', role: 'user' });
    await cache.listening();
    const data = createCredentialsData(dbB);
    const hash = secretHash(person.credential);
    // The lookup reads the caller, then the person is disabled before the lookup returns.
    const raced = await cache.lookup(hash, async () => {
      const caller = await data.callerBySecretHash(hash);
      const heard = cache.nextChange();
      await a.db.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [person.userId]);
      await heard;
      return caller;
    });
    expect(raced?.userId).toBe(person.userId);
    let loads = 0;
    const load = async (): Promise<Caller | undefined> => (loads++, data.callerBySecretHash(hash));
    expect(await cache.lookup(hash, load)).toBeUndefined();
    expect(loads).toBe(1);

    // Kill the listening connection from the server side: nothing is kept or served from memory after it.
    const reactivated = cache.nextChange();
    await a.db.query(`UPDATE users SET status = 'active' WHERE id = $1`, [person.userId]);
    await reactivated;
    expect(await cache.lookup(hash, load)).toBeDefined();
    expect(await cache.lookup(hash, load)).toBeDefined();
    expect(loads).toBe(2);
    const lost = cache.nextChange();
    // Every listening connection on this database (the app's too, which reconnects on its next lookup).
    const { rowCount } = await a.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN caller_changes' AND datname = current_database()`);
    expect(rowCount).toBeGreaterThanOrEqual(1);
    expect(await lost).toBe('lost');
    await a.db.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [person.userId]); // nobody listens: unheard
    expect(await cache.lookup(hash, load)).toBeUndefined(); // from the database, not memory
    expect(await cache.listening()).toBe(true); // listens again, starting empty
    expect(await cache.lookup(hash, load)).toBeUndefined();
    expect(loads).toBe(4);
  } finally {
    await cache.close();
  }
});

test('inviting, the hot path, refuses at once a caller revoked or an account changed by another process, before any notice', async () => {
  const person = await addPersonWithCredential(a.db, 'acme', { email: 'hot@acme.test', firstName: 'Hot', lastName: 'Path', role: 'user' });
  const invite = (email: string) => a.api('POST', '/v1/accounts/acme/invitations', { credential: person.credential, body: { channel: 'email', emails: email } });
  expect((await invite('first@acme.test')).status).toBe(201);
  expect((await invite('second@acme.test')).status).toBe(201); // caller and account settings now kept

  // Another process turns inviting off for users: the very next request sees it, notice or not.
  await dbB.query(`UPDATE accounts SET users_may_invite = false WHERE id = 'acme'`);
  try {
    const refused = await invite('third@acme.test');
    expect(refused.status).toBe(403);
  } finally {
    await dbB.query(`UPDATE accounts SET users_may_invite = true WHERE id = 'acme'`);
  }
  expect((await invite('fourth@acme.test')).status).toBe(201);

  // Another process revokes the credential: refused at once, and nothing recorded.
  await dbB.query(`UPDATE api_credentials SET revoked_at = now() WHERE user_id = $1`, [person.userId]);
  expect((await invite('fifth@acme.test')).status).toBe(401);
  const { rowCount } = await a.db.query(`SELECT 1 FROM invitations WHERE invitee_email = 'fifth@acme.test'`);
  expect(rowCount).toBe(0);
});
