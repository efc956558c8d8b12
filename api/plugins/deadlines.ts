// Every request runs with the API's deadline settings (api/deadlines.ts): the API's Temporal client
// bounds each call it makes to Temporal, and the request pool bounds each statement. There is no timer over the whole request: a request that legitimately makes several
// calls under load is not cut short, while any one call to a service that is down ends in a prompt
// 503. (Set in preValidation, after the body is read: a body's stream events would lose the context.)
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { runWithDeadline, type DeadlineSettings } from '../deadlines';

export default fp(async function deadlines(app: FastifyInstance, { settings }: { settings: DeadlineSettings }) {
  app.addHook('preValidation', (_request, _reply, done) => runWithDeadline({ settings }, () => done()));
});
