// Rate limits: per credential on the API, per IP on the public signup pages (signup tokens must
// not be guessable by brute force: a few dozen tries a minute is nothing against 256-bit tokens).
// The counts are shared by every API process through PostgreSQL (sharedCountStore below), so a
// limit holds however many API processes a proxy spreads one caller over.
import { createHash } from 'node:crypto';
import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../../db';
import { problems } from '../problems';

export interface RateLimitSettings {
  /** Requests a minute per API credential (or per IP without one). */
  apiPerMinute: number;
  /** Signup form submissions a minute per IP. */
  signupSubmitsPerMinute: number;
  /** Signup page views a minute per IP. */
  signupViewsPerMinute: number;
  /** "Ask for a new invitation" presses an hour per IP (per link and per address: api/services/invitation-requests/). */
  invitationRequestsPerHour: number;
  /** How often a process adds its hits to the shared counts and learns the others' (ms). */
  syncIntervalMs: number;
}

export const defaultRateLimits: RateLimitSettings = { apiPerMinute: 600, signupSubmitsPerMinute: 20, signupViewsPerMinute: 120, invitationRequestsPerHour: 10, syncIntervalMs: 200 };

/** The credential's hash, never the credential itself, identifies its bucket. */
function callerKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  return auth ? `cred:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}` : `ip:${request.ip}`;
}

/** One bucket's hits in its current window, as this process knows them. */
interface Counter {
  bucket: string;
  /** The limit's window (ms): a row that has none, or whose window ended, starts one this long. */
  windowMs: number;
  /** Every process's hits as the database last answered, this process's flushed ones included. */
  shared: number;
  /** This process's hits on their way to the database. */
  sending: number;
  /** This process's hits not yet sent to the database. */
  pending: number;
  /** When the window ends, by this process's clock; undefined until the database has answered once. */
  expiresAt?: number;
}

/** How long a request waits on the shared counts before it counts on this process's alone (ms). */
const SYNC_WAIT_MS = 250;
/** After the database failed to answer, how long counting stays local before trying again (ms). */
const OFFLINE_BACKOFF_MS = 5_000;
/** Buckets this process remembers before it forgets those with nothing unsent (many addresses at once). */
const MAX_COUNTERS = 10_000;

/**
 * Counts shared by every API process, without a database round trip on most requests. A request
 * waits for the database (one statement) for a bucket's first hit in this process, for the last
 * tenth of the limit (where the decision must be exact), and when this process holds more than a
 * twentieth of the limit in hits not yet added; otherwise its hit is counted here and added with
 * the others' in one statement every `syncIntervalMs`, whose answer brings back every process's
 * total. So what one process admits unseen by the others is at most a twentieth of the limit, and
 * a limit is overshot by at most (processes - 1) × max/20: nothing for limits under 20, which every
 * request checks in the database, 5% with two processes. Windows start at a bucket's first hit and
 * are timed by the database's clock, like the plugin's own in-memory store's. If PostgreSQL does
 * not answer (within 250 ms for a waiting request), each process counts alone for 5 s, then asks again.
 */
class SharedRateLimitCounts {
  private readonly counters = new Map<string, Counter>();
  private timer?: NodeJS.Timeout;
  private offlineUntil = 0;
  private lastCleanup = 0;
  /** One flush at a time: a slow database must not pile statements up on the pool. */
  private flushing = false;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly syncIntervalMs: number,
    private readonly log?: FastifyBaseLogger,
  ) {}

  async hit(bucket: string, windowMs: number, max: number): Promise<{ current: number; ttl: number }> {
    const now = Date.now();
    let counter = this.counters.get(bucket);
    if (!counter || (counter.expiresAt !== undefined && counter.expiresAt <= now)) {
      if (this.counters.size >= MAX_COUNTERS) this.forget(() => true);
      counter = { bucket, windowMs, shared: 0, sending: 0, pending: 0 };
      this.counters.set(bucket, counter);
    }
    counter.pending += 1;
    const seen = counter.shared + counter.sending + counter.pending;
    // Ask the database for a first hit, near the limit, or when this process holds more hits than
    // the others may not know of; past the limit the answer is no whatever they counted.
    const mustAsk = counter.expiresAt === undefined || (seen <= max && (seen > max - Math.ceil(max / 10) || counter.pending > Math.floor(max / 20)));
    if (mustAsk && now >= this.offlineUntil) await this.syncWithin([counter], SYNC_WAIT_MS);
    this.schedule();
    counter.expiresAt ??= now + windowMs; // the database did not answer: count this window here
    return { current: counter.shared + counter.sending + counter.pending, ttl: Math.max(0, counter.expiresAt - Date.now()) };
  }

  /** Adds what is pending and stops syncing (the app is closing). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = [...this.counters.values()].filter((c) => c.pending > 0);
    if (pending.length > 0 && Date.now() >= this.offlineUntil) await this.sync(pending).catch(() => undefined);
  }

  private schedule() {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.syncIntervalMs);
    this.timer.unref();
  }

  /** Drops settled buckets (nothing unsent) that `which` picks: the database keeps their counts. */
  private forget(which: (c: Counter) => boolean) {
    for (const [bucket, c] of this.counters) if (c.pending + c.sending === 0 && which(c)) this.counters.delete(bucket);
  }

  private async flush() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      await this.flushOnce();
    } finally {
      this.flushing = false;
    }
    // Hits that came meanwhile, or that the database did not take: the next round.
    if ([...this.counters.values()].some((c) => c.pending > 0)) this.schedule();
  }

  private async flushOnce() {
    const now = Date.now();
    this.forget((c) => c.expiresAt !== undefined && c.expiresAt <= now);
    const pending = [...this.counters.values()].filter((c) => c.pending > 0);
    if (pending.length > 0 && now >= this.offlineUntil) await this.syncWithin(pending, this.syncIntervalMs * 5);
    if (now - this.lastCleanup > 60_000) {
      this.lastCleanup = now;
      await this.db.query(`DELETE FROM rate_limit_hits WHERE expires_at < now() - interval '1 hour'`).catch(() => undefined);
    }
  }

  /** `sync`, but a database that does not answer within `waitMs` sends the caller on with local counts. */
  private async syncWithin(counters: Counter[], waitMs: number) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, waitMs, 'late')));
    const synced = this.sync(counters).then(
      () => 'synced' as const,
      (err: unknown) => {
        this.offline(err);
        return 'failed' as const;
      },
    );
    if ((await Promise.race([synced, late])) === 'late') this.offline(new Error(`no answer within ${waitMs} ms`));
    clearTimeout(timer);
  }

  private offline(err: unknown) {
    if (Date.now() < this.offlineUntil) return;
    this.offlineUntil = Date.now() + OFFLINE_BACKOFF_MS;
    this.log?.warn({ err }, 'rate limits: shared counts unreachable, counting in this process for a while');
  }

  /**
   * Adds each counter's pending hits to its row (a row whose window has ended starts a new one with
   * them) and learns the row's total and the window's remaining time, in one statement.
   */
  private async sync(counters: Counter[]) {
    // Taken out of `pending` as they leave, so that a sync meanwhile does not send them twice.
    const taken = counters.map((c) => c.pending);
    counters.forEach((c, i) => {
      c.pending = 0;
      c.sending += taken[i]!;
    });
    const giveBack = () =>
      counters.forEach((c, i) => {
        c.sending -= taken[i]!;
        c.pending += taken[i]!;
      });
    const { rows } = await this.db.query<{ bucket: string; hits: number; ttl_ms: number }>(
      `INSERT INTO rate_limit_hits AS r (bucket, hits, expires_at)
       SELECT bucket, hits, now() + make_interval(secs => window_ms / 1000)
         FROM unnest($1::text[], $2::int[], $3::float8[]) AS t(bucket, hits, window_ms)
       ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN r.expires_at <= now() THEN excluded.hits ELSE r.hits + excluded.hits END,
         expires_at = CASE WHEN r.expires_at <= now() THEN excluded.expires_at ELSE r.expires_at END
       RETURNING bucket, hits, (extract(epoch FROM expires_at - now()) * 1000)::float8 AS ttl_ms`,
      [counters.map((c) => c.bucket), taken, counters.map((c) => c.windowMs)],
    ).catch((err: unknown) => {
      giveBack();
      throw err;
    });
    const answered = Date.now();
    const byBucket = new Map(rows.map((r) => [r.bucket, r]));
    counters.forEach((c, i) => {
      const row = byBucket.get(c.bucket);
      if (!row) return;
      c.sending -= taken[i]!;
      // Answers may arrive out of order; within a window the total only grows.
      const expiresAt = answered + row.ttl_ms;
      const newWindow = c.expiresAt === undefined || expiresAt > c.expiresAt + 1_000;
      c.shared = newWindow ? row.hits : Math.max(c.shared, row.hits);
      c.expiresAt = expiresAt;
    });
  }
}

/**
 * The plugin's store interface over the shared counts: the global limit's store, and one child per
 * route with a limit of its own (its buckets prefixed with the route, as the plugin's Redis store does).
 */
function sharedCountStore(counts: SharedRateLimitCounts, prefix = ''): FastifyRateLimitStore {
  return {
    incr(key, callback, timeWindow, max) {
      counts.hit(`${prefix}${key}`, timeWindow, max).then(
        (result) => callback(null, result),
        (err: Error) => callback(err),
      );
    },
    child(routeOptions) {
      // The plugin passes the route as `routeInfo` (its types leave it out).
      const route = (routeOptions as unknown as { routeInfo: { method?: string; url?: string } }).routeInfo;
      return sharedCountStore(counts, `${route.method ?? ''}${route.url ?? ''}|`);
    },
  };
}

export default fp(async function rateLimits(app: FastifyInstance, opts: Omit<RateLimitSettings, 'syncIntervalMs'> & { syncIntervalMs?: number; db: Db }) {
  const counts = new SharedRateLimitCounts(opts.db, opts.syncIntervalMs ?? defaultRateLimits.syncIntervalMs, app.log);
  app.addHook('onClose', () => counts.close());
  await app.register(rateLimit, {
    global: true,
    max: opts.apiPerMinute,
    timeWindow: '1 minute',
    keyGenerator: callerKey,
    store: function SharedStore() {
      return sharedCountStore(counts);
    } as unknown as new () => FastifyRateLimitStore,
    errorResponseBuilder: (_request, context) => problems.rateLimited(context.max, context.after, Math.ceil(context.ttl / 1000)),
  });
});

/** Route config for the public signup pages. */
export const signupRateLimit = (max: number, timeWindow = '1 minute') => ({ rateLimit: { max, timeWindow, keyGenerator: (r: FastifyRequest) => `ip:${r.ip}` } });
