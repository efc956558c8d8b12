// The codec endpoint of Temporal's "remote codec server" protocol: the Temporal Web UI
// (`--ui-codec-endpoint`, or the codec setting in its browser settings) and the CLI
// (`--codec-endpoint … --codec-auth 'Bearer po_…'`) send payloads to POST /codec/decode and show
// them decrypted. It decrypts anything encrypted with our keys, so only support staff may call it:
// an API credential of an Admin or Super Admin of an account listed in CODEC_SUPPORT_ACCOUNTS.
// Everyone else gets 401 (no credential) or 403, and payloads stay ciphertext in their UI.
import formbody from '@fastify/formbody';
import type { Payload, PayloadCodec } from '@temporalio/common';
import escapeHtml from 'escape-html';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../problems';

export interface CodecRouteOptions {
  codec: PayloadCodec;
  /** Origins of the Temporal Web UI (CORS); the CLI needs none. */
  uiOrigins: string[];
  /** Accounts whose Admins and Super Admins are support staff. */
  supportAccounts: string[];
}

/** A payload as JSON in the codec protocol: metadata values and data in base64. */
const jsonPayload = z.object({
  metadata: z.record(z.string(), z.string()).nullish(),
  data: z.string().nullish(),
});
// The CLI sends no list at all when there is nothing to encode (a query without arguments).
const payloads = z.object({ payloads: z.array(jsonPayload).max(10_000).nullish() });
const answer = z.object({ payloads: z.array(jsonPayload) });
type JsonPayload = z.infer<typeof jsonPayload>;

const SESSION_COOKIE = /(?:^|;\s*)codec_credential=([^;]+)/;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

const codecRoutes: FastifyPluginAsyncZod<CodecRouteOptions> = async (app, { codec, uiOrigins, supportAccounts }) => {
  // CORS for the UI's origin only; the UI may send its credentials (cookies) or an Authorization header.
  function cors(request: FastifyRequest, reply: FastifyReply) {
    const origin = request.headers.origin;
    reply.header('vary', 'Origin');
    if (origin && uiOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
    }
  }
  app.addHook('onRequest', async (request, reply) => cors(request, reply));

  async function supportStaffOnly(request: FastifyRequest) {
    // The Web UI sends no Authorization header of ours; with "Include cross-origin credentials" on,
    // it sends the session cookie that GET /codec/ signed in (the credential, checked at every call).
    const fromCookie = SESSION_COOKIE.exec(request.headers.cookie ?? '')?.[1];
    if (!request.headers.authorization && fromCookie) request.headers.authorization = `Bearer ${decodeURIComponent(fromCookie)}`;
    await app.authenticate(request);
    const who = request.identity!;
    if (!supportAccounts.includes(who.accountId) || (who.role !== 'admin' && who.role !== 'super_admin')) {
      throw problems.forbidden('Decrypting workflow payloads is for support staff: an Admin of a support account (CODEC_SUPPORT_ACCOUNTS).');
    }
  }

  await app.register(formbody);
  const page = (body: string) => `<!doctype html><meta charset="utf-8"><title>Payload codec</title><body style="font-family:sans-serif;max-width:40em;margin:3em auto">${body}</body>`;

  // Signing the browser in, for the Temporal Web UI: a page with a form (no script), and the cookie.
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html').send(page(`<h1>Decrypt payloads in the Temporal UI</h1>
      <p>Support staff: paste your API credential. Then, in the Temporal UI's codec server settings, turn on
      <em>Include cross-origin credentials</em>.</p>
      <form method="post" action="session"><input name="credential" type="password" size="50" autocomplete="off" required> <button>Sign in</button></form>`)));
  app.post('/session', {
    schema: { hide: true, body: z.object({ credential: z.string().max(200) }) },
    preHandler: async (request) => {
      // The form's field stands in for the header, so the same check applies.
      request.headers.authorization = `Bearer ${request.body.credential}`;
      await supportStaffOnly(request);
    },
  }, async (request, reply) => {
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `codec_credential=${encodeURIComponent(request.body.credential)}; Path=/codec; HttpOnly; SameSite=Lax; Max-Age=28800${secure}`);
    return reply.type('text/html').send(page(`<p>Signed in as ${escapeHtml(request.identity!.name)} for 8 hours. The Temporal UI now shows decrypted payloads.</p>`));
  });

  for (const action of ['encode', 'decode'] as const) {
    app.options(`/${action}`, { schema: { hide: true }, config: { rateLimit: false } }, async (request, reply) => {
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-headers', 'authorization, content-type, x-namespace');
      reply.header('access-control-max-age', '600');
      return reply.code(204).send();
    });
    app.post(`/${action}`, {
      onRequest: supportStaffOnly,
      bodyLimit: 8 * 1024 * 1024, // a page of history can carry many payloads
      schema: {
        tags: ['codec'],
        summary: action === 'decode' ? 'Decrypt payloads for the Temporal UI and CLI (support staff)' : 'Encrypt payloads (support staff; e.g. the CLI signalling a workflow)',
        security: [{ bearer: [] }],
        body: payloads,
        response: { 200: answer },
      },
    }, async (request) => {
      const input = (request.body.payloads ?? []).map(fromJson);
      const output = action === 'decode' ? await codec.decode(input) : await codec.encode(input);
      return { payloads: output.map(toJson) };
    });
  }
};

export default codecRoutes;
