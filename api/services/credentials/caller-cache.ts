// Verified callers kept in memory, so an API request costs no credential lookup (the hot path's
// round trip budget is one: recording the invitation). Correct across API processes because every
// change to who a caller is (credential revoked or deleted; holder disabled, deleted, given another
// role, purchase right or name) is announced by a trigger on the `caller_changes` channel at commit
// (migration 1796024350000), whichever process or activity wrote it; each process LISTENs on a
// connection of its own and drops the caller when told. The cache is used only while that connection
// is listening: before LISTEN succeeded, and from the moment it fails, every lookup goes to the
// database as it did without a cache. A lookup that was in flight when any change arrived is not
// kept (it may have read the row before the change committed). The caller's account settings (what
// inviting reads) are kept the same way, dropped on 'account:<id>'.
import { Client, type ClientConfig } from 'pg';
import type { Db } from '../../../db';
import type { Caller } from './caller';

export const CALLER_CHANGES_CHANNEL = 'caller_changes';

export interface CallerCacheOptions {
  /** Callers kept at most (oldest dropped first): about one per live credential in use. */
  maxEntries?: number;
  /** Even while listening, a kept caller is checked again after this long: a bound on any surprise. */
  maxAgeMs?: number;
  /** Time between two attempts to (re)connect the listening connection. */
  retryMs?: number;
}

interface Entry {
  caller: Caller;
  at: number;
}
interface AccountEntry {
  account: object;
  at: number;
}

export interface CallerCache {
  /** The caller for a secret's hash: kept, or loaded with `load` (and kept if nothing changed meanwhile). */
  lookup(secretHash: string, load: () => Promise<Caller | undefined>): Promise<Caller | undefined>;
  /** An account's settings (any shape the caller's service loads): kept, or loaded and kept the same way. */
  account<T extends object>(accountId: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /** Drops an account's settings in this process (a statement found them changed). */
  forgetAccount(accountId: string): void;
  /** Drops a credential's caller in this process at once (the revoking process does not wait for its notice). */
  forgetCredential(credentialId: string): void;
  /** Resolves once this process listens for changes (false if it could not), starting to if needed. */
  listening(): Promise<boolean>;
  /** Resolves when the next change notice has been applied, or with 'lost' when listening stopped (tests: "has this process heard it?"). */
  nextChange(): Promise<string>;
  close(): Promise<void>;
}

/** The listening connection's settings: the pool's own, without the request deadlines (it idles on purpose). */
function listenerConfig(db: Db): ClientConfig {
  const { connectionString, host, port, user, password, database, ssl } = db.options as ClientConfig;
  return { connectionString, host, port, user, password, database, ssl, keepAlive: true };
}

export function createCallerCache(db: Db, opts: CallerCacheOptions = {}): CallerCache {
  const maxEntries = opts.maxEntries ?? 10_000;
  const maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
  const retryMs = opts.retryMs ?? 1_000;
  const entries = new Map<string, Entry>();
  const accounts = new Map<string, AccountEntry>();
  let generation = 0;
  let client: Client | undefined;
  let connecting: Promise<boolean> | undefined;
  let live = false;
  let lastAttempt = -Infinity;
  let closed = false;
  let waiters: Array<(payload: string) => void> = [];

  const tell = (payload: string) => {
    const told = waiters;
    waiters = [];
    told.forEach((w) => w(payload));
  };

  const changed = (payload: string) => {
    generation += 1;
    const [kind, id] = [payload.slice(0, payload.indexOf(':')), payload.slice(payload.indexOf(':') + 1)];
    if (kind === 'account') accounts.delete(id);
    for (const [hash, e] of entries) {
      if ((kind === 'credential' && e.caller.credentialId === id) || (kind === 'user' && e.caller.userId === id)) entries.delete(hash);
    }
    tell(payload);
  };

  /** Not listening any more: nothing kept can be trusted. */
  const lost = (c: Client) => {
    if (client !== c) return;
    live = false;
    client = undefined;
    generation += 1;
    entries.clear();
    accounts.clear();
    c.end().catch(() => undefined);
    tell('lost');
  };

  function listen(): Promise<boolean> {
    if (live) return Promise.resolve(true);
    if (connecting) return connecting;
    if (closed) return Promise.resolve(false);
    lastAttempt = Date.now();
    const c = new Client(listenerConfig(db));
    client = c;
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    c.on('notification', (n) => {
      if (n.channel === CALLER_CHANGES_CHANNEL) changed(n.payload ?? '');
    });
    connecting = (async () => {
      try {
        await c.connect();
        await c.query(`LISTEN ${CALLER_CHANGES_CHANNEL}`);
        if (closed || client !== c) throw new Error('closed meanwhile');
        // Whatever was read before now may predate a change that nobody heard.
        generation += 1;
        entries.clear();
        accounts.clear();
        live = true;
        return true;
      } catch {
        lost(c);
        return false;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  }

  return {
    async lookup(secretHash, load) {
      if (!live) {
        if (!connecting && !closed && Date.now() - lastAttempt >= retryMs) void listen();
        return load();
      }
      const kept = entries.get(secretHash);
      if (kept && Date.now() - kept.at < maxAgeMs) return kept.caller;
      const before = generation;
      const caller = await load();
      if (caller && live && generation === before) {
        entries.delete(secretHash);
        entries.set(secretHash, { caller, at: Date.now() });
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      return caller;
    },

    async account<T extends object>(accountId: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
      if (!live) return load();
      const kept = accounts.get(accountId);
      if (kept && Date.now() - kept.at < maxAgeMs) return kept.account as T;
      const before = generation;
      const account = await load();
      if (account && live && generation === before) {
        accounts.set(accountId, { account, at: Date.now() });
        if (accounts.size > maxEntries) accounts.delete(accounts.keys().next().value!);
      }
      return account;
    },

    forgetAccount(accountId) {
      generation += 1;
      accounts.delete(accountId);
    },

    forgetCredential(credentialId) {
      generation += 1;
      for (const [hash, e] of entries) if (e.caller.credentialId === credentialId) entries.delete(hash);
    },

    listening: () => listen(),

    nextChange: () => new Promise<string>((resolve) => waiters.push(resolve)),

    async close() {
      closed = true;
      const c = client;
      await connecting?.catch(() => undefined);
      live = false;
      client = undefined;
      entries.clear();
      accounts.clear();
      await c?.end().catch(() => undefined);
    },
  };
}
