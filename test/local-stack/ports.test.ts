// The check `npm run dev` makes before starting anything: real sockets held by real processes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { checkPorts, describeTakenPorts, freePort, listenError, type PortUse } from '../../scripts/local-stack/ports';

const children: ChildProcess[] = [];
const listeners: number[] = [];
afterAll(() => {
  for (const pid of listeners) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  children.forEach((c) => c.kill('SIGKILL'));
});

/** A process listening on host:port (its own child when `viaParent`, whose command line names scripts/dev.ts). */
async function listener(port: number, host: string, viaParent = false): Promise<{ pid: number; parentPid: number }> {
  const listen = `require('net').createServer().listen(${port}, ${JSON.stringify(host)}, () => console.log('pid ' + process.pid))`;
  const parent = viaParent
    ? `const c = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(listen)}], { stdio: ['ignore', 'inherit', 'inherit'] }); process.on('SIGTERM', () => c.kill())`
    : listen;
  const child = spawn(process.execPath, ['-e', parent, ...(viaParent ? ['scripts/dev.ts'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      const m = /pid (\d+)/.exec(b.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`listener exited (${code})`)));
  });
  listeners.push(pid);
  return { pid, parentPid: child.pid! };
}

const use = (port: number, more: Partial<PortUse> = {}): PortUse => ({ port, host: '127.0.0.1', service: 'the API', setting: 'PORT', ...more });
const linux = fs.existsSync('/proc/net/tcp');

test('free ports pass', async () => {
  const port = await freePort();
  expect(await listenError(port, '127.0.0.1')).toBeUndefined();
  expect(await checkPorts([use(port)])).toEqual({ taken: [], suggestions: [] });
});

test('a port held by another process: which port, whose, and a free one to move to', async () => {
  const port = await freePort();
  const { pid } = await listener(port, '127.0.0.1');
  const report = await checkPorts([use(port)]);
  expect(report.taken).toHaveLength(1);
  expect(report.taken[0]).toMatchObject({ port, service: 'the API', setting: 'PORT', reason: 'EADDRINUSE' });
  if (linux) {
    expect(report.taken[0]!.holder).toMatchObject({ pid, command: expect.stringContaining('-e') });
    expect(report.taken[0]!.holder!.devRun).toBeUndefined();
  }
  const suggested = Number(report.suggestions[0]!.value);
  expect(report.suggestions[0]!.setting).toBe('PORT');
  expect(suggested).toBeGreaterThan(port);
  expect(await listenError(suggested, '127.0.0.1')).toBeUndefined();

  const message = describeTakenPorts(report);
  expect(message).toContain(`:${port} on 127.0.0.1, for the API (PORT)`);
  if (linux) {
    expect(message).toContain(`held by pid ${pid}`);
    expect(message).toContain(`kill ${pid}`);
  }
  expect(message).toContain(`PORT=${suggested} npm run dev`);
});

test('a listener on every address (0.0.0.0) also takes the port on 127.0.0.1', async () => {
  const port = await freePort();
  await listener(port, '0.0.0.0');
  expect((await checkPorts([use(port)])).taken).toMatchObject([{ port, reason: 'EADDRINUSE' }]);
});

(linux ? test : test.skip)('a port held by a child of another `npm run dev` names that run and where it is', async () => {
  const port = await freePort();
  const { pid, parentPid } = await listener(port, '127.0.0.1', true);
  const report = await checkPorts([use(port, { service: 'PostgreSQL', setting: 'POSTGRES_PORT', instead: 'DATABASE_URL=postgres://... for a PostgreSQL' })]);
  expect(report.taken[0]!.holder).toMatchObject({ pid, devRun: { pid: parentPid, cwd: process.cwd() } });
  const message = describeTakenPorts(report, { sameCheckout: 'DATA_DIR=.data/2' });
  expect(message).toContain(`part of another \`npm run dev\` (pid ${parentPid} in ${process.cwd()})`);
  expect(message).toContain(`stop the other \`npm run dev\` in ${process.cwd()}: Ctrl-C in its terminal, or \`kill ${parentPid}\``);
  expect(message).toMatch(/POSTGRES_PORT=\d+ DATA_DIR=\.data\/2 npm run dev/);
  expect(message).toContain('DATABASE_URL=postgres://... for a PostgreSQL');
});

/** Holds host:port in this process, if it can. */
function hold(port: number, host = '127.0.0.1'): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
}

test('two of our services set to the same port, and a service placed next to another', async () => {
  const port = await freePort();
  const held = await hold(port + 1); // if it cannot, something else holds it: the same for the check
  try {
    const report = await checkPorts([
      use(port),
      use(port, { service: 'the web inbox', setting: 'INBOX_PORT' }),
      use(port + 1, { service: 'Prism', setting: 'TWILIO_MOCK_PORT', offset: 1 }),
    ]);
    expect(report.taken).toMatchObject([
      { port, setting: 'INBOX_PORT', reason: 'clash', clash: { setting: 'PORT' } },
      { port: port + 1, setting: 'TWILIO_MOCK_PORT', reason: 'EADDRINUSE' },
    ]);
    if (linux && held) expect(report.taken[1]!.holder).toMatchObject({ pid: process.pid });
    // TWILIO_MOCK_PORT is suggested so that the port next to it (Prism's) is free as well.
    const mock = Number(report.suggestions.find((s) => s.setting === 'TWILIO_MOCK_PORT')!.value);
    expect(await listenError(mock + 1, '127.0.0.1')).toBeUndefined();
    expect(describeTakenPorts(report)).toContain('also the port of the API (PORT)');
  } finally {
    held?.close();
  }
});

test('a port nothing can bind (an address this machine does not have) says why', async () => {
  const port = await freePort();
  const report = await checkPorts([use(port, { host: '192.0.2.1' })]);
  expect(report.taken[0]!.reason).toBe('EADDRNOTAVAIL');
  expect(describeTakenPorts(report)).toContain('cannot be listened on: EADDRNOTAVAIL');
});
