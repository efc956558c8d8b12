// Calls /scim/v2 as an identity provider does: the SCIM token as bearer, application/scim+json.
import type { TestStack } from '../support/stack';

export interface ScimResponse {
  status: number;
  headers: Headers;
  body: any;
}

export type ScimCall = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ScimResponse>;

export const SCIM_JSON = 'application/scim+json; charset=utf-8';
export const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const enterpriseSchema = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const patchSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const listSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function scimCaller(baseUrl: string, token: string | null, userAgent = 'OKTA SCIM Integration'): ScimCall {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${baseUrl}/scim/v2${path}`, {
      method,
      headers: {
        accept: 'application/scim+json',
        'user-agent': userAgent,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': SCIM_JSON } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

/** Sets up the account's SCIM connection as its Super Admin would and answers the token. */
export async function connectScim(stack: TestStack, accountId: string, credential: string, settings: Record<string, unknown> = {}): Promise<string> {
  const put = await stack.api('PUT', `/v1/accounts/${accountId}/scim-connection`, { body: settings, credential });
  if (put.status !== 200) throw new Error(`scim-connection: ${put.status} ${JSON.stringify(put.body)}`);
  const token = await stack.api('POST', `/v1/accounts/${accountId}/scim-connection/token`, { body: {}, credential });
  if (token.status !== 201) throw new Error(`scim token: ${token.status} ${JSON.stringify(token.body)}`);
  return token.body.token;
}

/** A SCIM error as RFC 7644 §3.12 has it. */
export function expectScimError(res: ScimResponse, status: number, scimType?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe(SCIM_JSON);
  expect(res.body).toEqual({ schemas: [errorSchema], status: String(status), ...(scimType ? { scimType } : {}), detail: expect.any(String) });
}
