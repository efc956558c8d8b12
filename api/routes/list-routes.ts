// The two routes every list has, served from the read model: GET /<resource> (a filtered page,
// newest first) and GET /<resource>/summary (counts by stage, with the same filters). A resource
// gives its filters, how they map onto the read model's, its row and its stages, and the
// ListService methods that answer (a page, the counts); the schemas (and so the OpenAPI document) are built alike.
// `…/summary` is a static path: Fastify's router prefers it to `/<resource>/:id` whatever the
// order of registration.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Caller } from '../services/credentials';
import type { ListService, PageQuery } from '../services/lists';
import { pageOf, pageQuery, stageCounts } from './list-schemas';
import { accountParams, problemSchema } from './schemas';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

export interface ListRoutes<Filters extends z.ZodRawShape, Filter, Item extends z.ZodType, Stage extends string> {
  /** e.g. `/invitations`; the summary is at `<path>/summary`. */
  path: `/${string}`;
  /** The OpenAPI tag of both routes. */
  tag: string;
  /** The query-string filters the list and the summary share. */
  filters: Filters;
  /** The filters as the read model takes them. */
  toFilter: (query: z.output<z.ZodObject<Filters>>) => Filter;
  item: Item;
  stages: readonly [Stage, ...Stage[]];
  /** The OpenAPI summaries of the list and of its counts, and the list's description. */
  summaries: { list: string; counts: string; description?: string };
  /** The ListService methods that answer: a page, and the counts by stage. */
  read: (lists: ListService) => {
    page: (caller: Caller, filter: Filter, page: PageQuery) => Promise<{ items: z.output<Item>[]; nextCursor: string | null }>;
    counts: (caller: Caller, filter: Filter) => Promise<z.output<ReturnType<typeof stageCounts<Stage>>>>;
  };
}

export function listRoutes<Filters extends z.ZodRawShape, Filter, Item extends z.ZodType, Stage extends string>(
  spec: ListRoutes<Filters, Filter, Item, Stage>,
): FastifyPluginAsyncZod<{ lists: ListService }> {
  const listQuery = z.strictObject({ ...spec.filters, ...pageQuery });
  const summaryQuery = z.strictObject(spec.filters);
  return async (app, { lists }) => {
    const read = spec.read(lists);
    const base = { tags: [spec.tag], security: [{ bearer: [] }], params: accountParams };

    app.get(spec.path, {
      schema: {
        ...base,
        summary: spec.summaries.list,
        ...(spec.summaries.description === undefined ? {} : { description: spec.summaries.description }),
        querystring: listQuery,
        response: { 200: pageOf(spec.item), ...errors },
      },
    }, async (request) => {
      const { limit, cursor, ...filters } = request.query as z.output<typeof listQuery> & PageQuery;
      return read.page(request.caller, spec.toFilter(filters as z.output<typeof summaryQuery>), { limit, cursor });
    });

    app.get(`${spec.path}/summary`, {
      schema: {
        ...base,
        summary: spec.summaries.counts,
        querystring: summaryQuery,
        response: { 200: stageCounts(spec.stages), ...errors },
      },
    }, async (request) => read.counts(request.caller, spec.toFilter(request.query as z.output<typeof summaryQuery>)));
  };
}
