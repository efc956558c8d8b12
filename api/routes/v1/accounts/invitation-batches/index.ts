// /v1/accounts/:accountId/invitation-batches: up to 10,000 invitations from a CSV or JSON upload,
// or one bulk action (resend, remind, revoke) on up to 10,000 invitations; a batch's totals and
// rows, its cancel, and its report as CSV.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BatchService } from '../../../../services/invitation-batches';
import { problemSchema } from '../../../schemas';
import { acceptedView, batchParams, bulkActionProblem, batchProblem, batchQuery, batchView, createBatchBody, createBatchQuery, dryRunView } from './schemas';
import { accountParams } from '../../../schemas';
import { invitationFilter } from '../invitations/list';

/** A 10,000-row CSV is about 1 MB; JSON a little more. */
const MAX_BATCH_BYTES = 5 * 1024 * 1024;

const errors = { 400: batchProblem, 401: problemSchema, 403: problemSchema, 404: batchProblem, 409: problemSchema, 413: problemSchema, 415: problemSchema, 422: batchProblem };

const batchRoutes: FastifyPluginAsyncZod<{ invitationBatches: BatchService }> = async (app, { invitationBatches: batches }) => {
  // CSV uploads arrive as text; the service parses them (with line numbers). Only these routes take it.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_BATCH_BYTES }, (_request, body, done) => done(null, body));

  app.post('/invitation-batches', {
    bodyLimit: MAX_BATCH_BYTES,
    // A refused bulk action is explained field by field (bulkActionProblem); anything else as usual.
    attachValidation: true,
    schema: {
      tags: ['invitation-batches'],
      summary: 'Invite up to 10,000 people from a CSV (text/csv) or JSON upload, or resend, remind or revoke up to 10,000 invitations',
      description:
        'Every row is checked before anything is recorded or sent; problems come back as 422 with each row\'s line. `?dryRun=true` checks and prices ' +
        '(seats the batch would wait for: a batch never buys) without sending. With an Idempotency-Key, posting the same upload again starts nothing new.',
      security: [{ bearer: [] }],
      consumes: ['text/csv', 'application/json'],
      params: accountParams,
      querystring: createBatchQuery,
      body: createBatchBody,
      response: { 200: dryRunView, 202: acceptedView, ...errors },
    },
  }, async (request, reply) => {
    if (request.validationError) throw ((request.validationError as { validationContext?: string }).validationContext === 'body' ? bulkActionProblem(request.body) : undefined) ?? request.validationError;
    const { body, query, caller } = request;
    const options = { dryRun: query.dryRun === 'true', idempotency: request.idempotency };
    const result =
      typeof body === 'string'
        ? await batches.invite(caller, { source: 'csv', csv: body, timeZone: query.timeZone }, options)
        : 'action' in body
          ? await batches.act(caller, 'filter' in body ? { action: body.action, filter: invitationFilter(body.filter) } : body, options)
          : await batches.invite(caller, { source: 'json', invitations: body.invitations, timeZone: body.timeZone ?? query.timeZone }, options);
    return 'dryRun' in result ? reply.code(200).send(result) : reply.code(202).send(result);
  });

  app.get('/invitation-batches/:batchId', {
    schema: {
      tags: ['invitation-batches'],
      summary: 'A batch: its totals and its rows with their outcomes, page by page',
      security: [{ bearer: [] }],
      params: batchParams,
      querystring: batchQuery,
      response: { 200: batchView, ...errors },
    },
  }, async (request) => batches.get(request.caller, request.params.batchId, request.query));

  app.post('/invitation-batches/:batchId/cancel', {
    schema: {
      tags: ['invitation-batches'],
      summary: 'Cancel a batch: rows not yet started are cancelled, invitations still scheduled (a minute or more ahead) are revoked, sent ones stay',
      security: [{ bearer: [] }],
      params: batchParams,
      response: { 200: batchView, ...errors },
    },
  }, async (request) => batches.cancel(request.caller, request.params.batchId));

  app.get('/invitation-batches/:batchId/report.csv', {
    schema: {
      tags: ['invitation-batches'],
      summary: 'The batch\'s report: every row with its outcome and delivery, as CSV',
      security: [{ bearer: [] }],
      params: batchParams,
      produces: ['text/csv'],
      response: { 200: z.string().describe('line,channel,invitee,role,license,locale,send_at,invitation_id,outcome,detail,delivery,sent_at'), ...errors },
    },
  }, async (request, reply) => {
    const csv = await batches.report(request.caller, request.params.batchId);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="invitation-batch-${request.params.batchId}.csv"`)
      // A string goes out as it is (Fastify serializes only objects with the route's schema).
      .send(csv);
  });
};

export default batchRoutes;
