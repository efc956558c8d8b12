// A real SMTP server that keeps what it receives: tests read from it, and `npm run dev` shows it
// as a web inbox (http://localhost:8025) where a person can open the invitations.
import type { AddressInfo } from 'node:net';
import escapeHtml from 'escape-html';
import Fastify from 'fastify';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Every header as sent, by lower-case name (the first of a repeated header). */
  headers: Record<string, string>;
  receivedAt: Date;
}

export interface MailInbox {
  smtpPort: number;
  smtpUrl: string;
  messages: ReceivedMail[];
  /** Resolves with the first message (already received or still to come) matching `predicate`. */
  waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Messages received but not yet acknowledged (only with ackDelayMs). */
  readonly unacknowledged: number;
  /** Resolves when a message body has arrived and its acknowledgement is being held. */
  waitForUnacknowledged(timeoutMs?: number): Promise<void>;
  /** Messages dropped because the client went away before the acknowledgement. */
  dropped: ReceivedMail[];
  /**
   * Refuse some deliveries with a transient 451 (the message is not kept), as a busy server does:
   * `fn` gets the recipient and how many times this recipient was tried before. Undefined: accept all.
   */
  setTransientFailure(fn: ((recipient: string, attemptsBefore: number) => boolean) | undefined): void;
  /** Deliveries refused with a transient error so far. */
  readonly transientlyRefused: number;
  /** Serves the web inbox; returns its URL. */
  serveWeb(port: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

function toReceived(parsed: ParsedMail, envelopeTo: string[]): ReceivedMail {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) headers[key] ??= line.slice(line.indexOf(':') + 1).trim();
  return {
    messageId: parsed.messageId ?? '',
    from: parsed.from?.text ?? '',
    to: envelopeTo,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    headers,
    receivedAt: new Date(),
  };
}

export interface MailInboxOptions {
  port?: number;
  host?: string;
  /** Mailboxes refused for good (550), as a real server refuses an unknown mailbox. */
  rejectRecipient?: (address: string) => boolean;
  /**
   * Hold the reply to DATA this long (a slow server committing the message). A client that goes
   * away before the reply has not delivered the message (RFC 5321 §6.1), so it is dropped.
   */
  ackDelayMs?: number;
}

export async function startMailInbox(opts: MailInboxOptions = {}): Promise<MailInbox> {
  const messages: ReceivedMail[] = [];
  const dropped: ReceivedMail[] = [];
  const closedSessions = new Set<string>();
  let unacknowledged = 0;
  let heldWaiters: Array<() => void> = [];
  const waiters = new Set<{ predicate: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }>();
  let transientFailure: ((recipient: string, attemptsBefore: number) => boolean) | undefined;
  const attempts = new Map<string, number>();
  let transientlyRefused = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (opts.rejectRecipient?.(address.address.toLowerCase())) {
        const err = Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onClose(session) {
      closedSessions.add(session.id);
    },
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      simpleParser(stream)
        .then(async (parsed) => {
          const mail = toReceived(parsed, to);
          const recipient = to[0] ?? '';
          const before = attempts.get(recipient) ?? 0;
          attempts.set(recipient, before + 1);
          if (transientFailure?.(recipient, before)) {
            transientlyRefused += 1;
            return callback(Object.assign(new Error('4.3.0 Temporary failure, try again later'), { responseCode: 451 }));
          }
          if (opts.ackDelayMs) {
            unacknowledged += 1;
            heldWaiters.forEach((w) => w());
            heldWaiters = [];
            await new Promise((r) => setTimeout(r, opts.ackDelayMs));
            unacknowledged -= 1;
            if (closedSessions.has(session.id)) {
              dropped.push(mail);
              return callback(new Error('client went away before the reply'));
            }
          }
          messages.push(mail);
          for (const w of [...waiters]) {
            if (w.predicate(mail)) {
              waiters.delete(w);
              w.resolve(mail);
            }
          }
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const smtpPort = (server.server.address() as AddressInfo).port;
  // A client that dies mid-session (a killed worker) resets its connection: that ends the session,
  // not the server (smtp-server reports it as a server 'error', which would otherwise be thrown).
  server.removeAllListeners('error');
  server.on('error', () => undefined);

  let web: { close(): Promise<unknown> } | undefined;

  return {
    smtpPort,
    smtpUrl: `smtp://${host}:${smtpPort}`,
    messages,
    dropped,
    get unacknowledged() {
      return unacknowledged;
    },
    setTransientFailure(fn) {
      transientFailure = fn;
    },
    get transientlyRefused() {
      return transientlyRefused;
    },
    waitForUnacknowledged(timeoutMs = 30_000) {
      if (unacknowledged > 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message arrived')), timeoutMs);
        heldWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    waitFor(predicate, timeoutMs = 30_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (m: ReceivedMail) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching email within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async serveWeb(port, webHost = '127.0.0.1') {
      const app = Fastify();
      web = app;
      app.get('/', async (_req, reply) => {
        const rows = [...messages]
          .map((m, i) => ({ m, i }))
          .reverse()
          .map(
            ({ m, i }) =>
              `<tr><td>${escapeHtml(m.receivedAt.toISOString())}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
              `<td><a href="/messages/${i}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`,
          )
          .join('');
        return reply.type('text/html; charset=utf-8').send(
          page('Inbox', `<h1>Inbox (${messages.length})</h1><table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`),
        );
      });
      app.get<{ Params: { index: string } }>('/messages/:index', async (req, reply) => {
        const m = messages[Number(req.params.index)];
        if (!m) return reply.code(404).type('text/plain').send('No such message');
        const body = m.html
          ? `<iframe title="Message" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="${escapeHtml(m.html)}"></iframe>`
          : `<pre>${escapeHtml(m.text)}</pre>`;
        return reply.type('text/html; charset=utf-8').send(
          page(m.subject, `<p><a href="/">&larr; Inbox</a></p><h1>${escapeHtml(m.subject)}</h1><p>From ${escapeHtml(m.from)} to ${escapeHtml(m.to.join(', '))}</p>${body}<h2>Plain text</h2><pre>${escapeHtml(m.text)}</pre>`),
        );
      });
      await app.listen({ port, host: webHost });
      return `http://localhost:${port}`;
    },
    async stop() {
      await web?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}iframe{width:100%;height:60vh;border:1px solid #ccc}</style>
</head><body>${body}</body></html>`;
}
