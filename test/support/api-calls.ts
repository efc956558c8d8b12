// What the full stack (stack.ts) and the fast tier's API-only slice (api-only.ts) give a test alike:
// the demo account and others made straight in the database, and `api(method, path)` calling as the
// account's Super Admin by default. Only how a request reaches the API differs (a port, or inject).
import type { Client } from '@temporalio/client';
import { createAccountWithSuperAdmin, type NewAccount } from '../../api/services/accounts';
import type { Db } from '../../db';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiCallOptions {
  body?: unknown;
  /** The bearer credential; the account's Super Admin's by default, `null` for none. */
  credential?: string | null;
  headers?: Record<string, string>;
}

export type ApiCall = <T = any>(method: string, path: string, opts?: ApiCallOptions) => Promise<ApiResponse<T>>;

export interface TestAccount {
  id: string;
  superAdminId: string;
  credential: string;
}

/** What the stack and the API-only slice both give a test. */
export interface ApiHarness {
  db: Db;
  client: Client;
  /** The task queue the API starts workflows on. */
  taskQueue: string;
  /** The demo account and its Super Admin's credential. */
  account: TestAccount;
  api: ApiCall;
  createAccount(a: Partial<NewAccount> & { id: string }): Promise<TestAccount>;
  /** Stops all it started, in reverse order. */
  stop(): Promise<void>;
}

/** Makes an account with its Super Admin (Acme Corp, boss@<its first domain> unless given). */
export function accountCreator(db: Db): (a: Partial<NewAccount> & { id: string }) => Promise<TestAccount> {
  return async (a) => {
    const created = await createAccountWithSuperAdmin(db, {
      name: 'Acme Corp',
      companyDomains: ['acme.test'],
      superAdmin: { email: `boss@${a.companyDomains?.[0] ?? 'acme.test'}`, firstName: 'Bea', lastName: 'Boss' },
      ...a,
    });
    return { id: created.accountId, superAdminId: created.superAdminId, credential: created.credential };
  };
}

/** A request as sent: the credential and a JSON content type in its headers, the body as text. */
export interface SentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  payload: string | undefined;
}

/** `api` over `send`; a JSON answer is parsed, any other kept as text. */
export function apiCaller(defaultCredential: string, send: (req: SentRequest) => Promise<{ status: number; headers: Headers; text: string }>): ApiCall {
  return async (method, path, o = {}) => {
    const credential = o.credential === undefined ? defaultCredential : o.credential;
    const headers: Record<string, string> = { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...o.headers };
    if (o.body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await send({ method, path, headers, payload: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body) });
    let body: unknown = res.text;
    try {
      body = JSON.parse(res.text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body: body as any };
  };
}
