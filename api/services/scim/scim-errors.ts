// SCIM's own errors (RFC 7644 §3.12): under /scim/v2 every error is a SCIM Error message, never the
// admin API's problem+json, because identity providers parse `status` and `scimType`.
import { scimSchemas, type ScimType } from '../../../domain/scim';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: ScimType,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  /** The body: `status` is a string, as the RFC's examples and the identity providers have it. */
  body() {
    return { schemas: [scimSchemas.error], status: String(this.status), ...(this.scimType ? { scimType: this.scimType } : {}), detail: this.message };
  }
}

export const scimErrors = {
  unauthenticated: () => new ScimError(401, 'Send the SCIM connection\'s token as `Authorization: Bearer <token>`.', undefined, { 'www-authenticate': 'Bearer realm="scim"' }),
  notFound: (what: string) => new ScimError(404, `${what} was not found.`),
  invalidFilter: (detail: string) => new ScimError(400, detail, 'invalidFilter'),
  invalidSyntax: (detail: string) => new ScimError(400, detail, 'invalidSyntax'),
  invalidValue: (detail: string) => new ScimError(400, detail, 'invalidValue'),
  invalidPath: (detail: string) => new ScimError(400, detail, 'invalidPath'),
  noTarget: (detail: string) => new ScimError(400, detail, 'noTarget'),
  mutability: (detail: string) => new ScimError(400, detail, 'mutability'),
  uniqueness: (detail: string) => new ScimError(409, detail, 'uniqueness'),
  versionMismatch: () => new ScimError(412, 'The resource changed since the version in If-Match; read it again.'),
  /** An account rule refuses the user (e.g. its email belongs to another user): the provider cannot fix it by retrying. */
  refused: (detail: string) => new ScimError(409, detail, 'invalidValue'),
  unavailable: () => new ScimError(503, 'A backing service is unavailable; try again shortly.', undefined, { 'retry-after': '5' }),
  methodNotAllowed: (method: string, allowed: string[]) => new ScimError(405, `This endpoint does not take ${method}; it takes ${allowed.join(', ')}.`, undefined, { allow: allowed.join(', ') }),
  notImplemented: (what: string) => new ScimError(501, `${what} is not supported.`),
  internal: () => new ScimError(500, 'Internal error.'),
};
