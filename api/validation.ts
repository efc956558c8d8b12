// Request validation, once for every route: the route's zod schema (fastify-type-provider-zod), and
// before it what no schema says but PostgreSQL refuses: a NUL character in a text value (PostgreSQL
// stores no \u0000 in text or jsonb). Such a request is a 400 validation problem, wherever the string
// is (path, query string, headers or body), never a 500 from the database. The OpenAPI document says
// so too (openapi.ts adds `nulFreePattern` to every free-text string).
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { problems } from './problems';

/** The JSON Schema pattern of a string PostgreSQL can store. */
export const nulFreePattern = '^[^\\u0000]*$';

/** The path of the first string (or object key) holding a NUL character, if any. */
export function nulCharacterAt(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulCharacterAt(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) return [...path, k];
      const found = nulCharacterAt(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

export const validatorCompiler: FastifySchemaCompiler<ZodType> = (route) => {
  const validate = zodValidatorCompiler(route);
  const part = route.httpPart === 'querystring' ? 'query' : (route.httpPart ?? 'body');
  return (data: unknown) => {
    const at = nulCharacterAt(data);
    // A Problem as the validation error: the error handler sends it as it is (400, validation-error).
    if (at) return { error: problems.unstorableText([part, ...at].join('.')) };
    return validate(data);
  };
};
