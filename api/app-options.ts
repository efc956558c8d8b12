// buildApp's settings as configured, in one place for the production entry point (api/main.ts) and
// `npm run dev`, so a new setting reaches both.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { PayloadEncryptionCodec, type PayloadKeys } from '../config/payload-codec';
import type { Db } from '../db';
import type { AppDependencies } from './app';

/** What a process brings itself; `local` (one machine, `npm run dev`) fills unset settings for it. */
export interface AppParts {
  db: Db;
  temporal: Client;
  invitationTokenSecret: string;
  /** No keys: payloads in plain text, and no /codec route. */
  payloadKeys?: PayloadKeys;
  local?: {
    /** The Web UI this process started, when it did. */
    temporalUiUrl?: string;
    /** Accounts whose admins act as support staff at /codec. */
    codecSupportAccounts: string[];
  };
}

const orElse = (given: string[], fallback: string[]) => (given.length > 0 ? given : fallback);

export function appOptionsFromConfig(config: Config, { db, temporal, invitationTokenSecret, payloadKeys, local }: AppParts): AppDependencies {
  const localUi = [`http://localhost:${config.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`];
  return {
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    invitationTokenSecret,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    corsOrigins: config.CORS_ORIGINS,
    rateLimits: { apiPerMinute: config.RATE_LIMIT_PER_MINUTE },
    seatLimits: { perPurchase: config.SEATS_PER_PURCHASE_MAX, perAccount: config.SEATS_PER_ACCOUNT_MAX },
    deadlines: { requestMs: config.REQUEST_DEADLINE_MS, workflowAnswerMs: config.WORKFLOW_ANSWER_MS },
    webhookAllowPrivateAddresses: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES ?? !!local,
    // Locally the worker's and the services' lines matter more than one per request.
    logLevel: local && config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL,
    temporalUiUrl: config.TEMPORAL_UI_URL ?? local?.temporalUiUrl ?? localUi[0],
    trustProxy: config.TRUST_PROXY,
    ...(payloadKeys
      ? {
          codec: {
            codec: new PayloadEncryptionCodec(payloadKeys),
            uiOrigins: local ? orElse(config.CODEC_CORS_ORIGINS, localUi) : config.CODEC_CORS_ORIGINS,
            supportAccounts: local ? orElse(config.CODEC_SUPPORT_ACCOUNTS, local.codecSupportAccounts) : config.CODEC_SUPPORT_ACCOUNTS,
          },
        }
      : {}),
  };
}
