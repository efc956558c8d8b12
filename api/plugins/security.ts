// Security headers (helmet) and CORS, closed unless origins are configured.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export default fp(async function security(app: FastifyInstance, opts: { corsOrigins: string[] }) {
  await app.register(helmet, {
    // The signup pages are self-contained: no scripts at all, inline styles, forms to ourselves.
    // Swagger UI under /docs brings its own assets from this server.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
      },
    },
  });
  await app.register(cors, { origin: opts.corsOrigins.length > 0 ? opts.corsOrigins : false });
});
