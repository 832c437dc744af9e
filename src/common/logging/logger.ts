import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino, Level } from 'pino';
import pinoHttp, { HttpLogger } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** JSON lines through pino; never passwords, tokens, emails or headers. */
export function createLogger(level: string): Pino {
  return pino({
    level,
    redact: { paths: ['req.headers', 'password', '*.password', 'token', '*.token', 'email', '*.email'], censor: '[redacted]' },
  });
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
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
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
