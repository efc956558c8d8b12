// The CLI's one way to the API: fetch with the account's API key. Problems (RFC 9457) come back as
// ApiError with the server's own words, so the command can print them and exit 1.

export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  errors?: { line?: number; field?: string; message: string }[];
  errorCount?: number;
}

export class ApiError extends Error {
  constructor(message: string, readonly status: number | undefined, readonly problem?: Problem) {
    super(message);
  }
}

export interface ApiClientOptions {
  apiUrl: string;
  token: string;
}

export type Query = Record<string, string | string[] | number | boolean | undefined>;

export function queryString(query: Query | undefined): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function createApiClient({ apiUrl, token }: ApiClientOptions) {
  const base = apiUrl.replace(/\/+$/, '');

  async function request(method: string, path: string, o: { query?: Query; json?: unknown; csv?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', ...o.headers };
    let body: string | undefined;
    if (o.csv !== undefined) {
      headers['content-type'] = 'text/csv';
      body = o.csv;
    } else if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    }
    const url = `${base}${path}${queryString(o.query)}`;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiError(`Cannot reach the API at ${base} (${cause?.code ?? cause?.message ?? (err as Error).message}). Is it running? Set --api-url or ONBOARDING_API_URL.`, undefined);
    }
    if (!res.ok) throw await apiError(res);
    return res;
  }

  return {
    baseUrl: base,
    async json<T>(method: string, path: string, o?: Parameters<typeof request>[2]): Promise<T> {
      return (await request(method, path, o)).json() as Promise<T>;
    },
    async text(method: string, path: string, o?: Parameters<typeof request>[2]): Promise<string> {
      return (await request(method, path, o)).text();
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

async function apiError(res: Response): Promise<ApiError> {
  const text = await res.text();
  let problem: Problem | undefined;
  try {
    problem = JSON.parse(text) as Problem;
  } catch {
    problem = undefined;
  }
  const what = problem?.detail ?? problem?.title ?? (text.slice(0, 200) || res.statusText);
  const hint =
    res.status === 401 ? ' Check the API key (--token or ONBOARDING_TOKEN).'
    : res.status === 404 && /^Account /.test(problem?.detail ?? '') ? ' (Or the API key is not one of this account\'s.)'
    : '';
  return new ApiError(`${res.status} ${problem?.title ?? res.statusText}: ${what}${hint}`, res.status, problem);
}
