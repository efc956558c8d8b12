// Every setting is read from the environment here, once, and validated with zod.
// Addresses of the backing services are optional: when one is unset, `npm run dev`
// (and the test setup) start a local one and fill it in (see scripts/local-stack).
import { z } from 'zod';
import { DEFAULT_BATCH_MESSAGES_PER_MINUTE } from '../domain/invitation-batches';
import { DEFAULT_WEBHOOK_DELIVERY, type WebhookDeliverySettings } from '../domain/webhook-events';

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/**
 * Buying license seats: at most this many in one purchase, and an account holds at most this many
 * seats of a license (an account's own `accounts.seat_limit`, when set, replaces the second).
 */
export const DEFAULT_SEAT_LIMITS = { perPurchase: 1_000, perAccount: 5_000 } as const;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  /** Where invitees' browsers reach the signup pages; links in messages start with it. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Where local data (Postgres cluster, Temporal's SQLite file) lives in `npm run dev`. */
  DATA_DIR: z.string().default('.data'),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('onboarding'),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** The Temporal Web UI that the API's lists link each workflow to; default http://localhost:<TEMPORAL_UI_PORT>. */
  TEMPORAL_UI_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  // A real cluster (Temporal Cloud or self-hosted): the names are those of Temporal's own environment configuration.
  /** TLS on or off; unset: on when a client certificate, server CA, server name or API key is set. */
  TEMPORAL_TLS: optionalString.pipe(z.enum(['true', 'false']).transform((v) => v === 'true').optional()),
  /** mTLS: the client certificate and its private key (PEM files). */
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  /** The CA that signed the server's certificate (PEM), when the system's roots do not know it. */
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
  /** The name the server's certificate is checked against, when it differs from the address's host. */
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  /** API-key authentication (sent as `authorization: Bearer <key>`). */
  TEMPORAL_API_KEY: optionalString,
  /** Worker deployment: name and build id every worker reports (see README, "Safe rollouts"). */
  TEMPORAL_DEPLOYMENT_NAME: z.string().min(1).default('onboarding'),
  TEMPORAL_WORKER_BUILD_ID: optionalString,
  /** Route workflow tasks by deployment version (needs TEMPORAL_WORKER_BUILD_ID and a current version set on the server). */
  TEMPORAL_WORKER_VERSIONING: optionalString.pipe(z.enum(['true', 'false']).transform((v) => v === 'true').optional()),

  /**
   * Keys that encrypt workflow and activity payloads (AES-256-GCM): `id:base64key` pairs, comma-separated,
   * each key 32 bytes. New payloads use PAYLOAD_ENCRYPTION_KEY_ID (default: the first); every listed key decrypts.
   */
  PAYLOAD_ENCRYPTION_KEYS: optionalString,
  PAYLOAD_ENCRYPTION_KEY_ID: optionalString,
  /** Browser origins of the Temporal Web UI that may call the codec endpoint (/codec), comma-separated. */
  CODEC_CORS_ORIGINS: z.string().default('').transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),
  /** Accounts whose Admins and Super Admins are support staff: their API credentials may decrypt payloads at /codec. */
  CODEC_SUPPORT_ACCOUNTS: z.string().default('').transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),

  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  POSTGRES_PORT: port.default(5433),

  SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  SMTP_PORT: port.default(1025),
  INBOX_PORT: port.default(8025),
  MAIL_FROM: z.string().min(3).default('Invitations <invitations@onboarding.localhost>'),

  /** Invitation tokens are derived from this key (HMAC), so no token is ever stored or put in a workflow. */
  INVITATION_TOKEN_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),

  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  /** A Twilio-compatible endpoint (the local mock in dev and tests); unset means Twilio itself. */
  TWILIO_API_BASE_URL: optionalString.pipe(z.url().optional()),
  /** The number invitations are texted from (E.164). */
  TWILIO_FROM_NUMBER: optionalString.pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number like +14155550100').optional()),
  TWILIO_MOCK_PORT: port.default(4010),

  /** Browser origins allowed to call the API (comma-separated); none by default. */
  CORS_ORIGINS: z.string().default('').transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),
  /** host:port where the worker serves its Temporal SDK metrics (/metrics); `npm run dev` uses 127.0.0.1:9464. */
  WORKER_METRICS_ADDRESS: optionalString,
  /** API requests a minute per credential. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Messages a minute one account's invitation batches may send (an account's own `batch_messages_per_minute` replaces it). */
  BATCH_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_BATCH_MESSAGES_PER_MINUTE),
  /** License seats one purchase may buy. */
  SEATS_PER_PURCHASE_MAX: z.coerce.number().int().min(1).default(DEFAULT_SEAT_LIMITS.perPurchase),
  /** License seats of one license an account may hold, unless the account has its own `seat_limit`. */
  SEATS_PER_ACCOUNT_MAX: z.coerce.number().int().min(1).default(DEFAULT_SEAT_LIMITS.perAccount),
  /** How long the API waits on PostgreSQL and Temporal while answering a request; past it, 503 with Retry-After. */
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** How long a request that asks a workflow to act (resend, revoke, sign up, ...) waits for its answer once accepted. */
  WORKFLOW_ANSWER_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  /**
   * Behind a proxy (docker-compose's, a load balancer): whom to trust for X-Forwarded-For, so that
   * per-address limits count the client, not the proxy. `true` (any), or comma-separated addresses
   * and CIDR ranges (Fastify's `trustProxy`); unset: trust no one.
   */
  TRUST_PROXY: optionalString.transform((v) => (v === undefined || v === 'false' ? false : v === 'true' ? true : v)),
  /**
   * Webhooks may go to loopback, private, link-local and metadata addresses: for local development
   * and tests only (`npm run dev` allows them unless this says false). Refused by default.
   */
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional(),
  /** The first retry of a failed webhook after this, doubling per attempt up to an hour. */
  WEBHOOK_INITIAL_RETRY_MS: z.coerce.number().int().min(10).default(DEFAULT_WEBHOOK_DELIVERY.initialRetryDelayMs),
  /** An endpoint failing every attempt this long is disabled and its admins are emailed (3 days). */
  WEBHOOK_RETRY_WINDOW_MS: z.coerce.number().int().min(1_000).default(DEFAULT_WEBHOOK_DELIVERY.retryWindowMs),
});

/** The worker's webhook delivery settings from the environment; `allowPrivateByDefault` for `npm run dev`. */
export function webhookSettings(c: Config, allowPrivateByDefault = false): Partial<WebhookDeliverySettings> {
  return { allowPrivateAddresses: c.WEBHOOK_ALLOW_PRIVATE_ADDRESSES ?? allowPrivateByDefault, initialRetryDelayMs: c.WEBHOOK_INITIAL_RETRY_MS, retryWindowMs: c.WEBHOOK_RETRY_WINDOW_MS };
}

export type Config = z.infer<typeof envSchema> & { PUBLIC_BASE_URL: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && !c.INVITATION_TOKEN_SECRET) {
    throw new ConfigError(['INVITATION_TOKEN_SECRET: required when NODE_ENV is production']);
  }
  if (c.NODE_ENV === 'production' && !c.PAYLOAD_ENCRYPTION_KEYS) {
    throw new ConfigError(['PAYLOAD_ENCRYPTION_KEYS: required when NODE_ENV is production (histories would hold personal data in plain text)']);
  }
  if (c.TEMPORAL_WORKER_VERSIONING && !c.TEMPORAL_WORKER_BUILD_ID) {
    throw new ConfigError(['TEMPORAL_WORKER_BUILD_ID: required when TEMPORAL_WORKER_VERSIONING is true']);
  }
  if (!!c.TEMPORAL_TLS_CLIENT_CERT_PATH !== !!c.TEMPORAL_TLS_CLIENT_KEY_PATH) {
    throw new ConfigError(['TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH: set both (mTLS) or neither']);
  }
  return { ...c, PUBLIC_BASE_URL: c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}` };
}

/** Credentials the local Twilio-compatible endpoint accepts (dev and tests); never valid at Twilio. */
export const LOCAL_TWILIO = { accountSid: 'AC00000000000000000000000000000000', authToken: 'local-endpoint', from: '+14155550100' };

/** The settings a running worker or API needs, with every service address known. */
export type RuntimeConfig = Config & {
  TEMPORAL_ADDRESS: string;
  DATABASE_URL: string;
  SMTP_URL: string;
  INVITATION_TOKEN_SECRET: string;
  TWILIO_ACCOUNT_SID: string;
  TWILIO_AUTH_TOKEN: string;
  TWILIO_FROM_NUMBER: string;
};

/** For processes that start no services of their own (production API and worker). */
export function requireRuntimeConfig(config: Config): RuntimeConfig {
  const required = ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'SMTP_URL', 'INVITATION_TOKEN_SECRET', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'] as const;
  const missing = required.filter(
    (k) => !config[k],
  );
  if (missing.length > 0) {
    throw new ConfigError(missing.map((k) => `${k}: required (or use \`npm run dev\`, which starts local services)`));
  }
  return config as RuntimeConfig;
}
