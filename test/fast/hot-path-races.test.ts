// The invitations' hot path records the whole request in one statement (api/services/invitations/
// invitations-data.ts recordUnlessActive) with the caller and account settings from memory. A client
// retrying at once, or many retrying together, still gets one invitation and one workflow; with an
// Idempotency-Key, one answer that the others replay (or a 409 while the first runs).
import { startApiOnly, type ApiOnly } from '../support/api-only';

let a: ApiOnly;
beforeAll(async () => {
  a = await startApiOnly();
});
afterAll(() => a?.stop());

const body = (email: string) => ({ channel: 'email', emails: email });

test('the same invitation sent five times at once: one row, one workflow, every 201 names it', async () => {
  const answers = await Promise.all(Array.from({ length: 5 }, () => a.api('POST', '/v1/accounts/acme/invitations', { body: body('race@acme.test') })));
  const accepted = answers.filter((r) => r.status === 201);
  expect(accepted.length).toBeGreaterThanOrEqual(1);
  for (const r of accepted) expect(r.body.invitations[0].id).toBe('invitation:acme:race@acme.test');
  // One that found the invitation live answers with the workflow's status, and no worker runs in this
  // tier: 503 once the query's wait is over. One that raced the winner's start before it was running
  // records over the row and its start is refused as already started, so it says `created` too
  // (known, and as before this change): what matters is below, one row and one workflow.
  for (const r of answers) expect([201, 503]).toContain(r.status);
  const { rows } = await a.db.query(`SELECT token_generation FROM invitations WHERE id = 'invitation:acme:race@acme.test'`);
  expect(rows).toHaveLength(1);
  const runs = [];
  for await (const w of a.client.workflow.list({ query: `WorkflowId = 'invitation:acme:race@acme.test'` })) runs.push(w);
  expect(runs).toHaveLength(1);
});

test('with one Idempotency-Key, five at once: one did the work, the others replayed it or were told it is in progress', async () => {
  const headers = { 'idempotency-key': 'retry-race-1' };
  const answers = await Promise.all(Array.from({ length: 5 }, () => a.api('POST', '/v1/accounts/acme/invitations', { body: body('keyed@acme.test'), headers })));
  const fresh = answers.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') !== 'true');
  expect(fresh).toHaveLength(1);
  for (const r of answers.filter((x) => x !== fresh[0])) {
    if (r.status === 201) expect(r.body).toEqual(fresh[0]!.body);
    else expect(r.status).toBe(409);
  }
  const replayed = await a.api('POST', '/v1/accounts/acme/invitations', { body: body('keyed@acme.test'), headers });
  expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  expect(replayed.body).toEqual(fresh[0]!.body);
  const { rowCount } = await a.db.query(`SELECT 1 FROM invitations WHERE id = 'invitation:acme:keyed@acme.test'`);
  expect(rowCount).toBe(1);
});
