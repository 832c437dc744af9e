import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** How the receiver answers one request: a status (and headers), or `hold` to never answer. */
export type Answer = { status: number; headers?: Record<string, string> } | 'hold';

/**
 * A real HTTP receiver on loopback: records every request and answers per path with a programmable
 * status (200 by default). `next` resolves when a request matching a condition has arrived.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly answers = new Map<string, Answer | ((r: Received) => Answer)>();
  private waiters: Array<{ match: (r: Received) => boolean; resolve: (r: Received) => void }> = [];
  private readonly held: http.ServerResponse[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = http.createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  answer(path: string, answer: Answer | ((r: Received) => Answer)): void {
    this.answers.set(path, answer);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** The `index`-th request (0-based) matching `match`, once it has arrived. */
  nth(match: (r: Received) => boolean, index = 0, timeoutMs = 20_000): Promise<Received> {
    const found = () => this.received.filter(match)[index];
    if (found()) return Promise.resolve(found());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no webhook arrived in time')), timeoutMs);
      this.waiters.push({
        match: () => found() !== undefined,
        resolve: () => {
          clearTimeout(timer);
          resolve(found());
        },
      });
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        path: req.url ?? '/',
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      this.received.push(r);
      const configured = this.answers.get(r.path) ?? { status: 200 };
      const answer = typeof configured === 'function' ? configured(r) : configured;
      if (answer === 'hold') this.held.push(res);
      else {
        res.writeHead(answer.status, answer.headers);
        res.end('ok');
      }
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(r)) return true;
        w.resolve(r);
        return false;
      });
    });
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
