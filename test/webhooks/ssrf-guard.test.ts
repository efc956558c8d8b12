// Outbound safety with the production setting (private addresses refused): the API refuses URLs
// whose host is or resolves to loopback, private, link-local or metadata addresses, and the worker
// refuses to connect to one even when an endpoint already points there (a name that resolves
// differently later): the attempt is logged, nothing reaches the receiver.
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { startReceiver, type Receiver } from './receiver';

let stack: TestStack;
let receiver: Receiver;
const path = '/v1/accounts/acme/webhook-endpoints';

beforeAll(async () => {
  stack = await startTestStack({ webhooks: { allowPrivateAddresses: false, pollIntervalMs: 50, initialRetryDelayMs: 100, maxRetryDelayMs: 400, timeoutMs: 2_000 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

test.each([
  'http://127.0.0.1:8080/hook',
  'http://localhost/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.5/hook',
  'http://172.16.3.4/hook',
  'http://192.168.1.10/hook',
  'http://100.64.0.1/hook',
  'http://0.0.0.0/hook',
  'http://[::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://[fd00:ec2::254]/hook',
  'http://[fe80::1]/hook',
])('the API refuses %s', async (url) => {
  const res = await stack.api('POST', path, { body: { url, eventTypes: ['invitation.sent'] } });
  expect(res.status).toBe(422);
  expect(res.body).toMatchObject({ type: expect.stringContaining('webhook-url-refused'), errors: [{ field: 'url' }] });
});

test('a public address is taken; changing it to a private one is refused', async () => {
  const res = await stack.api('POST', path, { body: { url: 'https://93.184.215.14/hook', eventTypes: ['invitation.sent'], enabled: false } });
  expect(res.status).toBe(201);
  const change = await stack.api('PATCH', `${path}/${res.body.endpoint.id}`, { body: { url: 'http://127.0.0.1/hook' } });
  expect(change.status).toBe(422);
  expect((await stack.api('GET', `${path}/${res.body.endpoint.id}`)).body.url).toBe('https://93.184.215.14/hook');
});

test('the worker does not connect to a refused address an endpoint already points at', async () => {
  const res = await stack.api('POST', path, { body: { url: 'https://93.184.215.14/hook', eventTypes: ['invitation.sent'] } });
  expect(res.status).toBe(201);
  const id = res.body.endpoint.id;
  for (const url of [`${receiver.url}/literal`, `http://localhost:${receiver.port}/by-name`]) {
    // As if the endpoint's name now resolved to this machine.
    await stack.db.query(`UPDATE webhook_endpoints SET url = $2 WHERE id = $1`, [id, url]);
    const test = await stack.api('POST', `${path}/${id}/test`);
    expect(test.status).toBe(202);
    const attempt = await eventually(async () => {
      const log = (await stack.api('GET', `${path}/${id}/attempts`)).body.attempts as Array<{ messageId: string; statusCode: number | null; response: string; succeeded: boolean }>;
      return log.find((a) => a.messageId === test.body.messageId);
    }, 20_000, `an attempt at ${url}`);
    expect(attempt).toMatchObject({ statusCode: null, succeeded: false, response: expect.stringMatching(/address not allowed: .*loopback/) });
  }
  expect(receiver.deliveries).toHaveLength(0);
});
