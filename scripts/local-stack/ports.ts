import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A port one of our services is about to listen on, and how a person moves that service. */
export interface PortUse {
  port: number;
  /** The address the service binds. */
  host: string;
  /** Which of our services wants it, e.g. "PostgreSQL". */
  service: string;
  /** The setting that moves it, e.g. "POSTGRES_PORT". */
  setting: string;
  /** The port is the setting's value plus this (a service placed next to another); default 0. */
  offset?: number;
  /** The setting's value for a port, when it is not just the number (e.g. "127.0.0.1:9465"). */
  settingValue?: (port: number) => string;
  /** Another way out, e.g. "DATABASE_URL=... for a PostgreSQL of your own". */
  instead?: string;
}

export interface PortHolder {
  pid?: number;
  command?: string;
  user?: string;
  /** The `npm run dev` (scripts/dev.ts) process the holder belongs to, if it is one. */
  devRun?: { pid: number; cwd?: string };
}

export interface TakenPort extends PortUse {
  /** Why it cannot be used: EADDRINUSE or another bind error, or `clash`. */
  reason: string;
  /** Another of our services set to the same port. */
  clash?: PortUse;
  holder?: PortHolder;
}

export interface PortReport {
  taken: TakenPort[];
  /** For each setting to change: a value under which all its ports are free now. */
  suggestions: Array<{ setting: string; value: string }>;
}

/** Undefined if a server could listen on host:port right now, else the error code. */
export function listenError(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** The ports among `uses` that cannot be listened on, each with its probable holder, and free values to move them to. */
export async function checkPorts(uses: PortUse[]): Promise<PortReport> {
  const taken: TakenPort[] = [];
  const seen = new Map<number, PortUse>();
  for (const use of uses) {
    if (use.port === 0) continue;
    const first = seen.get(use.port);
    if (first) {
      taken.push({ ...use, reason: 'clash', clash: first });
      continue;
    }
    seen.set(use.port, use);
    const code = await listenError(use.port, use.host);
    if (code) taken.push({ ...use, reason: code, holder: code === 'EADDRINUSE' ? portHolder(use.port) : undefined });
  }

  const suggestions: PortReport['suggestions'] = [];
  const reserved = new Set(uses.map((u) => u.port));
  for (const setting of [...new Set(taken.map((t) => t.setting))]) {
    const group = uses.filter((u) => u.setting === setting);
    const base = group[0]!.port - (group[0]!.offset ?? 0);
    for (let value = base + 1; value < Math.min(base + 200, 65535); value++) {
      const ports = group.map((u) => value + (u.offset ?? 0));
      if (ports.some((p) => reserved.has(p))) continue;
      if ((await Promise.all(group.map((u, i) => listenError(ports[i]!, u.host)))).some(Boolean)) continue;
      ports.forEach((p) => reserved.add(p));
      suggestions.push({ setting, value: group[0]!.settingValue?.(value) ?? String(value) });
      break;
    }
  }
  return { taken, suggestions };
}
const read = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

function commandOf(pid: number): string | undefined {
  return read(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean).join(' ') || undefined;
}

function parentOf(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
  const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
  return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
}

function userName(uid: number): string {
  const line = read('/etc/passwd')?.split('\n').find((l) => l.split(':')[2] === String(uid));
  return line?.split(':')[0] ?? `uid ${uid}`;
}

/**
 * Who listens on `port`, best effort: on Linux from /proc/net/tcp{,6} (socket inode and owner) and
 * /proc/<pid>/fd (which process has that socket; only processes this user may inspect); elsewhere
 * from `lsof` if there is one.
 */
export function portHolder(port: number): PortHolder | undefined {
  if (!fs.existsSync('/proc/net/tcp')) return lsofHolder(port);
  const inodes = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (read(table) ?? '').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A: LISTEN
      if (parseInt(f[1]!.split(':').pop()!, 16) === port) inodes.set(f[9]!, Number(f[7]));
    }
  }
  if (inodes.size === 0) return undefined;
  const wanted = new Set([...inodes.keys()].map((i) => `socket:[${i}]`));
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!wanted.has(target)) continue;
      const pid = Number(entry);
      return { pid, command: commandOf(pid), user: userName(inodes.get(target.slice(8, -1))!), devRun: devRunOf(pid) };
    }
  }
  return { user: userName([...inodes.values()][0]!) };
}

/** The `npm run dev` process among `pid` and its ancestors. */
function devRunOf(pid: number): PortHolder['devRun'] {
  for (let p: number | undefined = pid, depth = 0; p && depth < 12; p = parentOf(p), depth++) {
    if (/scripts\/dev\.ts/.test(commandOf(p) ?? '')) {
      let cwd: string | undefined;
      try {
        cwd = fs.readlinkSync(`/proc/${p}/cwd`);
      } catch {
        /* not ours to see */
      }
      return { pid: p, cwd };
    }
  }
  return undefined;
}

function lsofHolder(port: number): PortHolder | undefined {
  const r = spawnSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpcu'], { encoding: 'utf8', timeout: 3000 });
  if (r.status !== 0 || !r.stdout) return undefined;
  const field = (k: string) => r.stdout.split('\n').find((l) => l.startsWith(k))?.slice(1);
  const pid = Number(field('p'));
  return { pid: Number.isInteger(pid) ? pid : undefined, command: field('c'), user: field('u') };
}

/** What to tell a person about ports that are taken: which, wanted by what, held by whom, what to do. */
export function describeTakenPorts(
  { taken, suggestions }: PortReport,
  { command = 'npm run dev', sameCheckout }: { command?: string; sameCheckout?: string } = {},
): string {
  const n = taken.length;
  const lines = [`\`${command}\` cannot start: ${n === 1 ? 'a port it needs is' : `${n} ports it needs are`} taken.`, ''];
  const devRuns = new Map<number, string | undefined>();
  const others = new Set<number>();
  for (const t of taken) {
    const h = t.holder;
    let held: string;
    if (t.clash) held = `also the port of ${t.clash.service} (${t.clash.setting})`;
    else if (t.reason !== 'EADDRINUSE') held = `cannot be listened on: ${t.reason}`;
    else if (h?.pid && h.devRun?.pid === h.pid) held = `held by another \`npm run dev\` (pid ${h.pid}${h.devRun.cwd ? ` in ${h.devRun.cwd}` : ''})`;
    else if (h?.pid) {
      const cmd = h.command && h.command.length > 90 ? `${h.command.slice(0, 87)}...` : h.command;
      const dev = h.devRun ? `, part of another \`npm run dev\` (pid ${h.devRun.pid}${h.devRun.cwd ? ` in ${h.devRun.cwd}` : ''})` : '';
      held = `held by pid ${h.pid}${h.user ? ` (${h.user})` : ''}: ${cmd ?? '?'}${dev}`;
      if (h.devRun) devRuns.set(h.devRun.pid, h.devRun.cwd);
      else others.add(h.pid);
    } else if (h?.user) held = `held by a process of ${h.user} this user cannot inspect (\`sudo ss -ltnp 'sport = :${t.port}'\` names it)`;
    else held = `in use (\`ss -ltnp 'sport = :${t.port}'\` or \`lsof -iTCP:${t.port} -sTCP:LISTEN\` names the process)`;
    lines.push(`  :${t.port} on ${t.host}, for ${t.service} (${t.setting})`, `      ${held}`);
  }
  lines.push('', 'What to do:');
  for (const [pid, cwd] of devRuns) lines.push(`  - stop the other \`npm run dev\`${cwd ? ` in ${cwd}` : ''}: Ctrl-C in its terminal, or \`kill ${pid}\``);
  if (others.size) lines.push(`  - stop ${others.size === 1 ? 'that process' : 'those processes'}: \`kill ${[...others].join(' ')}\``);
  if (suggestions.length) {
    // Another run in this very checkout also holds its data directory.
    const extra = sameCheckout && [...devRuns.values()].includes(process.cwd()) ? [sameCheckout] : [];
    const settings = [...suggestions.map((s) => `${s.setting}=${s.value}`), ...extra].join(' ');
    lines.push(`  - or run this one on other ports (free right now): ${settings} ${command}`);
  } else {
    lines.push(`  - or run this one on other ports: set ${[...new Set(taken.map((t) => t.setting))].join(', ')}`);
  }
  const instead = [...new Set(taken.map((t) => t.instead).filter(Boolean))];
  if (instead.length) lines.push(`  - or use services of your own instead: ${instead.join('; ')}`);
  return lines.join('\n');
}

export class PortsTakenError extends Error {
  constructor(readonly report: PortReport, how?: Parameters<typeof describeTakenPorts>[1]) {
    super(describeTakenPorts(report, how));
    this.name = 'PortsTakenError';
  }
}

/** Throws PortsTakenError (saying which, whose, and what to do) unless every port in `uses` is free. */
export async function assertPortsFree(uses: PortUse[], how?: Parameters<typeof describeTakenPorts>[1]): Promise<void> {
  const report = await checkPorts(uses);
  if (report.taken.length) throw new PortsTakenError(report, how);
}
