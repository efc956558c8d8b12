// Small measuring helpers the bench shares: medians and spread of repetitions, a process's CPU time
// and the whole machine's busy share from /proc and os.cpus() (Linux).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The p-th percentile of `xs` (nearest rank), NaN for none. */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

/** Runs `fn` over `items`, `concurrency` at a time. */
export async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "0.71–0.93" of a set of ratios: how far one noisy run can be from another. */
export const spread = (xs: number[], digits = 2): string => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/** User plus system CPU seconds a process has used so far (/proc/PID/stat, clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), counted from field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Starts a measure of how busy all the machine's cores are; the returned function gives the share since. */
export function machineBusy(): () => number {
  const sample = () => os.cpus().reduce((acc, c) => {
    const total = Object.values(c.times).reduce((a, b) => a + b, 0);
    return { idle: acc.idle + c.times.idle, total: acc.total + total };
  }, { idle: 0, total: 0 });
  const start = sample();
  return () => {
    const end = sample();
    const total = end.total - start.total;
    return total > 0 ? 1 - (end.idle - start.idle) / total : NaN;
  };
}

/** The PostgreSQL server started with `-p port` (its postmaster), found by its command line. */
export function postgresPid(port: number): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const i = args.indexOf('-p');
      if (path.basename(args[0] ?? '') === 'postgres' && i > 0 && args[i + 1] === String(port)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

/** CPU seconds of a process and of its children still running (PostgreSQL's backends, one per connection). */
export function treeCpuSeconds(pid: number): number {
  let total = cpuSeconds(pid);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) total += cpuSeconds(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/**
 * Starts counting CPU seconds: the whole machine's, this process's, and each named source's; the
 * returned function gives what each spent since. On a machine whose cores are all busy, throughput
 * is the CPU it has divided by the CPU one unit of work costs, so these say where a ratio goes.
 */
export function cpuSpent(sources: Record<string, (() => number) | undefined>): () => Record<string, number> {
  const machineSeconds = () => os.cpus().reduce((acc, c) => acc + (Object.values(c.times).reduce((a, b) => a + b, 0) - c.times.idle), 0) / 1000;
  const named = Object.entries(sources).filter((e): e is [string, () => number] => e[1] !== undefined);
  const start = { machine: machineSeconds(), self: process.cpuUsage(), named: named.map(([, read]) => read()) };
  return () => {
    const self = process.cpuUsage(start.self);
    return {
      machine: machineSeconds() - start.machine,
      self: (self.user + self.system) / 1e6,
      // A process tree's figure can drop when a child ends (a PostgreSQL backend closing): never below zero.
      ...Object.fromEntries(named.map(([name, read], i) => [name, Math.max(0, read() - start.named[i]!)])),
    };
  };
}
