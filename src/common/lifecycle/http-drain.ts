import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

/** A kept-alive connection idle this long during a drain is closed; one busier than that gets `Connection: close` on its next answer. */
const IDLE_GRACE_MS = 100;
const SWEEP_MS = 25;

interface ConnectionState {
  /** Requests on this connection whose answer has not finished. */
  active: number;
  idleSince: number;
}

/**
 * Tracks the HTTP server's connections so a shutdown can drain them: stop accepting, answer every
 * request that arrives (in flight or on a kept-alive connection) with `Connection: close`, close
 * connections once idle, and cut what is left only after the timeout.
 */
export class HttpDrain {
  private readonly connections = new Map<Socket, ConnectionState>();
  private draining = false;
  private settled?: () => void;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { active: 0, idleSince: Date.now() });
      socket.once('close', () => {
        this.connections.delete(socket);
        this.checkSettled();
      });
    });
    // First among the 'request' listeners, so the header is set before any handler answers.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const state = this.connections.get(req.socket);
      if (this.draining) res.setHeader('connection', 'close');
      if (!state) return;
      state.active++;
      res.once('close', () => {
        state.active--;
        state.idleSince = Date.now();
        this.checkSettled();
      });
    });
  }

  /** Resolves once every connection has closed, or after `timeoutMs` when the rest are cut; true when nothing was cut. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    // net.Server#close, not http.Server#close: the latter also cuts idle kept-alive connections at once,
    // racing requests a client is sending on them right now. Those get the grace below instead.
    if (this.server.listening) NetServer.prototype.close.call(this.server);
    const sweeper = setInterval(() => this.closeIdle(), SWEEP_MS);
    let timer: NodeJS.Timeout | undefined;
    try {
      this.closeIdle();
      const settled = new Promise<true>((resolve) => (this.settled = () => resolve(true)));
      this.checkSettled();
      const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const clean = await Promise.race([settled, timedOut]);
      if (!clean) for (const socket of this.connections.keys()) socket.destroy();
      return clean;
    } finally {
      clearInterval(sweeper);
      clearTimeout(timer);
    }
  }

  /** Connections still open and requests still unanswered; for logs. */
  get open(): { connections: number; requests: number } {
    let requests = 0;
    for (const state of this.connections.values()) requests += state.active;
    return { connections: this.connections.size, requests };
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const [socket, state] of this.connections) {
      if (state.active === 0 && now - state.idleSince >= IDLE_GRACE_MS) socket.destroy();
    }
  }

  private checkSettled(): void {
    if (this.draining && this.connections.size === 0) this.settled?.();
  }
}
