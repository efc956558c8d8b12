// The one place that turns configuration into Temporal connections: the API's and the worker's
// clients, the worker's native connection, scripts, tests and the benchmark all connect through
// here, so a cluster's address, namespace, mTLS, API key and payload encryption apply to every
// process alike.
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type NativeConnectionOptions, type WorkerOptions } from '@temporalio/worker';
import { ConfigError, type Config } from '.';
import { newPayloadKey, parsePayloadKeys, PayloadEncryptionCodec, type PayloadKeys } from './payload-codec';

/** Where and how to reach Temporal, resolved (files read, keys parsed). */
export interface TemporalSettings {
  address: string;
  namespace: string;
  /** false: plaintext (the local dev server); an object: TLS, with a client certificate for mTLS. */
  tls: TLSConfig | false;
  apiKey?: string;
  /** Encrypts every payload; undefined only where no key is configured outside production (payloads in plain text). */
  payloadKeys?: PayloadKeys;
}

/** A worker's deployment version (Worker Versioning); undefined when no build id is configured. */
export function workerDeployment(config: Pick<Config, 'TEMPORAL_DEPLOYMENT_NAME' | 'TEMPORAL_WORKER_BUILD_ID' | 'TEMPORAL_WORKER_VERSIONING'>): WorkerOptions['workerDeploymentOptions'] {
  if (!config.TEMPORAL_WORKER_BUILD_ID) return undefined;
  const version = { deploymentName: config.TEMPORAL_DEPLOYMENT_NAME, buildId: config.TEMPORAL_WORKER_BUILD_ID };
  // AUTO_UPGRADE: an invitation lives for weeks, longer than any one build runs; it moves to the
  // current version at its next task, and patched() keeps its history replayable there.
  return config.TEMPORAL_WORKER_VERSIONING ? { version, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' } : { version, useWorkerVersioning: false };
}

function readPem(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ConfigError([`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
}

/** TLS as configured: on when asked, or when anything that needs it (certificate, CA, server name, API key) is set. */
function tlsFrom(config: Config): TLSConfig | false {
  const c = config;
  const wanted = c.TEMPORAL_TLS ?? !!(c.TEMPORAL_TLS_CLIENT_CERT_PATH || c.TEMPORAL_TLS_SERVER_CA_CERT_PATH || c.TEMPORAL_TLS_SERVER_NAME || c.TEMPORAL_API_KEY);
  if (!wanted) return false;
  return {
    ...(c.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: c.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(c.TEMPORAL_TLS_SERVER_CA_CERT_PATH ? { serverRootCACertificate: readPem('TEMPORAL_TLS_SERVER_CA_CERT_PATH', c.TEMPORAL_TLS_SERVER_CA_CERT_PATH) } : {}),
    ...(c.TEMPORAL_TLS_CLIENT_CERT_PATH && c.TEMPORAL_TLS_CLIENT_KEY_PATH
      ? { clientCertPair: { crt: readPem('TEMPORAL_TLS_CLIENT_CERT_PATH', c.TEMPORAL_TLS_CLIENT_CERT_PATH), key: readPem('TEMPORAL_TLS_CLIENT_KEY_PATH', c.TEMPORAL_TLS_CLIENT_KEY_PATH) } }
      : {}),
  };
}

/** The configured payload keys, or undefined when none is set (refused in production by loadConfig). */
export function payloadKeysFrom(config: Pick<Config, 'PAYLOAD_ENCRYPTION_KEYS' | 'PAYLOAD_ENCRYPTION_KEY_ID'>): PayloadKeys | undefined {
  if (!config.PAYLOAD_ENCRYPTION_KEYS) return undefined;
  try {
    return parsePayloadKeys(config.PAYLOAD_ENCRYPTION_KEYS, config.PAYLOAD_ENCRYPTION_KEY_ID);
  } catch (err) {
    throw new ConfigError([`PAYLOAD_ENCRYPTION_KEYS: ${(err as Error).message}`]);
  }
}

/**
 * The key `npm run dev` encrypts with, generated once and kept in the data directory (like the
 * invitation token secret), so a restart still decrypts yesterday's histories.
 */
export function devPayloadKeys(dataDir: string): string {
  const file = path.join(dataDir, 'payload-encryption-keys');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, newPayloadKey('dev-1') + '\n', { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** Settings from the environment; `address` for processes that found or started the server themselves. */
export function temporalSettings(config: Config, address = config.TEMPORAL_ADDRESS): TemporalSettings {
  if (!address) throw new ConfigError(['TEMPORAL_ADDRESS: required']);
  return { address, namespace: config.TEMPORAL_NAMESPACE, tls: tlsFrom(config), apiKey: config.TEMPORAL_API_KEY, payloadKeys: payloadKeysFrom(config) };
}

/** The failure converter every client, worker and workflow bundle loads (config/failure-converter.ts). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function dataConverter(s: Pick<TemporalSettings, 'payloadKeys'>): DataConverter {
  return { failureConverterPath: FAILURE_CONVERTER_PATH, ...(s.payloadKeys ? { payloadCodecs: [new PayloadEncryptionCodec(s.payloadKeys)] } : {}) };
}

export function clientConnectionOptions(s: TemporalSettings): ConnectionOptions {
  return { address: s.address, tls: s.tls, ...(s.apiKey ? { apiKey: s.apiKey } : {}) };
}

export function workerConnectionOptions(s: TemporalSettings): NativeConnectionOptions {
  return { address: s.address, tls: s.tls, ...(s.apiKey ? { apiKey: s.apiKey } : {}) };
}

/** A client and the connection it owns (close it with `client.connection.close()`). */
export type ConnectedClient = Client & { readonly connection: Connection };

export function clientFor(connection: Connection, s: Pick<TemporalSettings, 'namespace' | 'payloadKeys'>): ConnectedClient {
  return new Client({ connection, namespace: s.namespace, dataConverter: dataConverter(s) }) as ConnectedClient;
}

export async function connectClient(s: TemporalSettings): Promise<ConnectedClient> {
  return clientFor(await Connection.connect(clientConnectionOptions(s)), s);
}

/** A connection that connects at its first call (processes that must start while Temporal is down). */
export function lazyClient(s: TemporalSettings): ConnectedClient {
  return clientFor(Connection.lazy(clientConnectionOptions(s)), s);
}

export function connectWorker(s: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(workerConnectionOptions(s));
}

/**
 * For the operator scripts (stalled sweeps, schedules, backfill): the configured cluster, or the
 * local `npm run dev` server with the payload key it keeps in DATA_DIR.
 */
export function connectScriptClient(config: Config): Promise<ConnectedClient> {
  const devKeys = path.join(config.DATA_DIR, 'payload-encryption-keys');
  const keys = config.PAYLOAD_ENCRYPTION_KEYS ?? (config.NODE_ENV !== 'production' && fs.existsSync(devKeys) ? fs.readFileSync(devKeys, 'utf8').trim() : undefined);
  return connectClient(temporalSettings({ ...config, PAYLOAD_ENCRYPTION_KEYS: keys }, config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`));
}

/** A fixed key for throwaway local runs (benchmark, contract run): encryption costs what it costs in production. */
export const LOCAL_RUN_PAYLOAD_KEYS = 'local-run:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

/** Settings for a local server without TLS, in the default namespace, encrypting with `keys`. */
export const localTemporal = (address: string, keys = LOCAL_RUN_PAYLOAD_KEYS): TemporalSettings => ({ address, namespace: 'default', tls: false, payloadKeys: parsePayloadKeys(keys) });
