// Errors the API answers with, as RFC 9457 problem details. `type` is stable: clients branch on it.
import type { FieldError } from '../domain/field-errors';

export class Problem extends Error {
  constructor(
    readonly status: number,
    /** Stable slug, rendered as the problem's `type` URI (`/problems/<slug>`). */
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

export const problems = {
  validation: (detail: string, errors: FieldError[]) => new Problem(400, 'validation-error', 'Invalid request', detail, { errors }),
  unauthenticated: () =>
    new Problem(401, 'unauthenticated', 'Authentication required', 'Send a valid API credential as `Authorization: Bearer <credential>`.', {
      headers: { 'www-authenticate': 'Bearer' },
    }),
  forbidden: (detail: string) => new Problem(403, 'forbidden', 'Not allowed', detail),
  notFound: (what: string) => new Problem(404, 'not-found', 'Not found', `${what} was not found.`),
  conflict: (slug: string, detail: string, extra: Record<string, unknown> = {}) => new Problem(409, slug, 'Conflict', detail, extra),
  unavailable: (detail: string) => new Problem(503, 'service-unavailable', 'Service unavailable', detail, { headers: { 'retry-after': '5' } }),
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
