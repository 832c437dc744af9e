import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino, Level } from 'pino';
import pinoHttp, { HttpLogger } from 'pino-http';
import pinoPretty from 'pino-pretty';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/**
 * Lines through pino; never passwords, tokens, emails or headers. JSON in production and whenever
 * the output is not a terminal (log collectors, CI); at a developer's terminal one readable line each.
 */
export function createLogger(level: string, production: boolean): Pino {
  const options = { level, redact: { paths: ['req.headers', 'password', '*.password', 'token', '*.token', 'email', '*.email'], censor: '[redacted]' } };
  if (production || !process.stdout.isTTY) return pino(options);
  return pino(options, pinoPretty({ singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,req,res,responseTime' }));
}

/** The request's path as the client sent it (Express rewrites `url` inside mounted routers), never its query string. */
function pathOf(req: { url?: string; originalUrl?: string }): string {
  return (req.originalUrl ?? req.url ?? '').split('?')[0];
}

/**
 * One line per request: method, path (never the query string, which may carry a feed token) and
 * status. Sets `req.id` from a well-formed `X-Request-Id` or a new UUID.
 */
export function requestLogger(logger: Pino): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
    // The message alone says it all at a terminal: "POST /graphql 200 12 ms".
    customSuccessMessage: (req, res, ms) => `${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(ms)} ms`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode} failed`,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: pathOf(req) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/**
 * Nest's logger interface on pino, so `new Logger(Context)` everywhere writes the same JSON lines.
 * Nest appends the context name as the last argument; an object message is merged into the line.
 * (No per-request async context: AsyncLocalStorage costs every promise on Node 20; lines that
 * belong to a request carry its `requestId` explicitly.)
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const context = rest.length && typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const extra = rest.length ? rest[0] : undefined;
    if (message instanceof Error) this.logger[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message }, typeof extra === 'string' ? extra : undefined);
    else this.logger[level]({ context, ...(typeof extra === 'string' && level === 'error' ? { stack: extra } : {}) }, String(message));
  }
}
