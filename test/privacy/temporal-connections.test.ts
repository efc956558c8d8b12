// Connecting to a real cluster, as configured by environment variables: mTLS (client certificate and
// key, the server's CA and name) and an API key. The local dev server speaks plain gRPC only, so a
// TLS-terminating gRPC proxy stands in for Temporal Cloud's front door: it demands a client
// certificate signed by its CA, records each call's `authorization` metadata and certificate, and
// forwards the call to the run's dev server. Certificates are throwaway, made here.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import forge from 'node-forge';
import { loadConfig } from '../../config';
import { clientConnectionOptions, connectClient, connectWorker, temporalSettings, workerConnectionOptions } from '../../config/temporal';
import { freePort } from '../../scripts/local-stack/ports';
import { testStackEnv } from '../support/stack-env';

interface Issued { cert: string; key: string }

function issue(cn: string, issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, opts: { ca?: boolean; dns?: string } = {}): Issued & { forgeCert: forge.pki.Certificate; forgeKey: forge.pki.rsa.PrivateKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = forge.util.bytesToHex(forge.random.getBytesSync(8)).replace(/^[89a-f]/, '1');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : [{ name: 'commonName', value: cn }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: !!opts.ca },
    { name: 'keyUsage', keyCertSign: !!opts.ca, digitalSignature: true, keyEncipherment: true },
    ...(opts.dns ? [{ name: 'subjectAltName', altNames: [{ type: 2, value: opts.dns }] }, { name: 'extKeyUsage', serverAuth: true }] : opts.ca ? [] : [{ name: 'extKeyUsage', clientAuth: true }]),
  ]);
  cert.sign(issuer?.key ?? key, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey, forgeCert: cert, forgeKey: key };
}

/** What the front door saw of each call. */
interface Seen { path: string; authorization?: string; clientCn?: string }

async function startTlsFrontDoor(upstreamAddress: string, server: Issued, ca: string): Promise<{ address: string; seen: Seen[]; stop(): Promise<void> }> {
  const seen: Seen[] = [];
  const upstream = http2.connect(`http://${upstreamAddress}`);
  const door = http2.createSecureServer({ key: server.key, cert: server.cert, ca, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] });
  door.on('stream', (stream, headers) => {
    const peer = (stream.session?.socket as TLSSocket | undefined)?.getPeerCertificate();
    seen.push({ path: String(headers[':path']), authorization: headers.authorization as string | undefined, clientCn: peer?.subject?.CN as string | undefined });
    const forwarded: http2.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':') || k === ':method' || k === ':path') forwarded[k] = v;
    const call = upstream.request(forwarded);
    let trailers: http2.IncomingHttpHeaders = {};
    call.on('response', (h) => {
      const { [':status']: status, ...rest } = h;
      stream.respond({ ':status': status, ...rest }, { waitForTrailers: true });
    });
    call.on('trailers', (t) => (trailers = t));
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    call.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('error', () => call.close(http2.constants.NGHTTP2_CANCEL));
    stream.pipe(call);
    call.pipe(stream);
  });
  const port = await freePort();
  await new Promise<void>((r) => door.listen(port, '127.0.0.1', r));
  return {
    address: `127.0.0.1:${port}`,
    seen,
    async stop() {
      upstream.close();
      await new Promise<void>((r) => door.close(() => r()));
    },
  };
}

describe('connections to a real cluster (mTLS and API key, through a TLS front door)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-tls-'));
  const ca = issue('Test cluster CA', undefined, { ca: true });
  const caIssuer = { cert: ca.forgeCert, key: ca.forgeKey };
  const server = issue('temporal.test', caIssuer, { dns: 'temporal.test' });
  const client = issue('onboarding-worker', caIssuer);
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const env = {
    TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem', client.cert),
    TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key', client.key),
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem', ca.cert),
    TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
    TEMPORAL_API_KEY: 'test-api-key-0123',
    PAYLOAD_ENCRYPTION_KEYS: 'k1:' + Buffer.alloc(32, 7).toString('base64'),
  };
  let door: Awaited<ReturnType<typeof startTlsFrontDoor>>;
  beforeAll(async () => {
    door = await startTlsFrontDoor(testStackEnv().temporalAddress, server, ca.cert);
  });
  afterAll(async () => {
    await door?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the options: TLS with the client pair, CA and server name, and the API key, for client and worker alike', () => {
    const s = temporalSettings(loadConfig({ ...env, TEMPORAL_NAMESPACE: 'acme-prod.a1b2c' }), 'acme-prod.a1b2c.tmprl.cloud:7233');
    expect(s.namespace).toBe('acme-prod.a1b2c');
    for (const o of [clientConnectionOptions(s), workerConnectionOptions(s)]) {
      expect(o).toMatchObject({ address: 'acme-prod.a1b2c.tmprl.cloud:7233', apiKey: 'test-api-key-0123', tls: { serverNameOverride: 'temporal.test' } });
      const tls = o.tls as { clientCertPair: { crt: Buffer; key: Buffer }; serverRootCACertificate: Buffer };
      expect(tls.clientCertPair.crt.toString()).toBe(client.cert);
      expect(tls.serverRootCACertificate.toString()).toBe(ca.cert);
    }
    // Nothing set: plaintext, as for the local dev server; an API key alone turns TLS on (as in Temporal Cloud).
    expect(clientConnectionOptions(temporalSettings(loadConfig({}), 'localhost:7233')).tls).toBe(false);
    expect(clientConnectionOptions(temporalSettings(loadConfig({ TEMPORAL_API_KEY: 'k' }), 'x:7233')).tls).toEqual({});
    expect(clientConnectionOptions(temporalSettings(loadConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }), 'x:7233')).tls).toBe(false);
    expect(() => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/a.pem' })).toThrow(/set both/);
    expect(() => temporalSettings(loadConfig({ ...env, TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'missing.key') }), 'x:7233')).toThrow(/TEMPORAL_TLS_CLIENT_KEY_PATH: cannot read/);
  });

  test('client and worker connect with mTLS and send the API key on every call', async () => {
    const s = temporalSettings(loadConfig(env), door.address);
    const c = await connectClient(s);
    try {
      const info = await c.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
    } finally {
      await c.connection.close();
    }
    const w = await connectWorker(s);
    await w.close();
    expect(door.seen.length).toBeGreaterThanOrEqual(2);
    for (const call of door.seen) expect(call).toMatchObject({ authorization: 'Bearer test-api-key-0123', clientCn: 'onboarding-worker' });
  });

  test('without the client certificate the front door refuses the connection', async () => {
    const { TEMPORAL_TLS_CLIENT_CERT_PATH: _c, TEMPORAL_TLS_CLIENT_KEY_PATH: _k, ...noPair } = env;
    const s = temporalSettings(loadConfig(noPair), door.address);
    await expect(connectWorker(s)).rejects.toThrow();
  });
});
