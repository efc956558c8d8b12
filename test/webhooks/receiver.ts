// A webhook receiver for tests: a real HTTP server on a free port that keeps every request it gets
// (headers and raw body) and answers as the test says. It can go down (the port refuses
// connections) and come back on the same port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
  /** What the receiver answered. */
  status: number;
}

export type Answer = (d: Omit<Delivery, 'status'>, n: number) => { status: number; body?: string; headers?: Record<string, string> };

export interface Receiver {
  url: string;
  port: number;
  deliveries: Delivery[];
  answer: Answer;
  /** Stops listening: connections are refused until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startReceiver(answer: Answer = () => ({ status: 200, body: 'ok' }), port = 0): Promise<Receiver> {
  let server: http.Server | undefined;
  const r: Receiver = {
    url: '', port, deliveries: [], answer,
    async start() {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const d = { path: req.url ?? '/', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
          const a = r.answer(d, r.deliveries.length);
          r.deliveries.push({ ...d, status: a.status });
          res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
          res.end(a.body ?? '');
        });
      });
      await new Promise<void>((resolve) => server!.listen(r.port, '127.0.0.1', resolve));
      r.port = (server.address() as AddressInfo).port;
      r.url = `http://127.0.0.1:${r.port}`;
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = undefined;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  await r.start();
  return r;
}
