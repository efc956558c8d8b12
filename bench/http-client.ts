// The bench's HTTP client: node:http over kept-alive connections. The load generator shares the
// machine's two cores with the API it measures, so it should cost as little CPU as it can; fetch
// (undici's streams and WHATWG layers) costs about as much per request as the API's own work.
import http from 'node:http';

export interface BenchResponse {
  status: number;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function request(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<BenchResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method, headers: { ...init.headers, ...(init.body ? { 'content-length': Buffer.byteLength(init.body).toString() } : {}) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text: async () => body, json: async () => JSON.parse(body) as unknown });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
