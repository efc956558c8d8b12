// The pure rules behind webhooks: which addresses are refused, the backoff, and which stage entry
// reports which event.
import { refusedAddress, webhookUrlProblem } from '../../domain/webhook-addresses';
import { eventsForStage, retryDelayMs, stageEvents, webhookEventTypes } from '../../domain/webhook-events';

test.each([
  ['127.0.0.1', 'loopback'], ['::1', 'loopback'], ['10.1.2.3', 'private'], ['172.31.255.255', 'private'], ['192.168.0.1', 'private'],
  ['169.254.169.254', 'linkLocal'], ['fe80::1', 'linkLocal'], ['fd00:ec2::254', 'uniqueLocal'], ['100.64.0.1', 'carrierGradeNat'],
  ['0.0.0.0', 'unspecified'], ['::ffff:10.0.0.1', 'private'], ['224.0.0.1', 'multicast'],
])('%s is refused (%s)', (ip, range) => {
  expect(refusedAddress(ip)).toContain(range);
});

test.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111'])('%s is a public address', (ip) => {
  expect(refusedAddress(ip)).toBeUndefined();
});

test('URL shapes', () => {
  expect(webhookUrlProblem('https://hooks.example.com/x')).toBeUndefined();
  expect(webhookUrlProblem('ftp://hooks.example.com/x')).toMatch(/http/);
  expect(webhookUrlProblem('https://user:pw@hooks.example.com/x')).toMatch(/credentials/);
  expect(webhookUrlProblem('not a url')).toMatch(/not a URL/);
});

test('exponential backoff, capped', () => {
  const s = { initialRetryDelayMs: 5_000, maxRetryDelayMs: 3_600_000 };
  expect([1, 2, 3, 4].map((n) => retryDelayMs(n, s))).toEqual([5_000, 10_000, 20_000, 40_000]);
  expect(retryDelayMs(30, s)).toBe(3_600_000);
  expect(retryDelayMs(10_000, s)).toBe(3_600_000);
});

test('stage entries map to published event types only', () => {
  for (const byStage of Object.values(stageEvents)) for (const types of Object.values(byStage)) for (const t of types ?? []) expect(webhookEventTypes).toContain(t);
  expect(eventsForStage({ kind: 'invitation', workflowId: 'i', stage: 'awaiting_signup', since: '', license: 'video_pro' })).toEqual(['invitation.sent']);
  expect(eventsForStage({ kind: 'invitation', workflowId: 'i', stage: 'sending', since: '', license: 'video_pro' })).toEqual([]);
  expect(eventsForStage({ kind: 'provisioning_request', workflowId: 'p', stage: 'completed', since: '' })).toEqual(['provisioning_request.completed']);
});
