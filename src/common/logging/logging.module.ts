import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { Settings } from '../config/settings';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/**
 * Structured JSON logs through pino. Requests are logged by method, path (never the query string,
 * which may carry a feed token) and status; headers and bodies are never logged.
 */
export const LoggingModule = LoggerModule.forRootAsync({
  inject: [Settings],
  useFactory: (settings: Settings) => ({
    pinoHttp: {
      level: settings.config.LOG_LEVEL,
      genReqId: (req: IncomingMessage) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      },
      autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: { paths: ['req.headers', 'password', '*.password', 'token', '*.token', 'email', '*.email'], censor: '[redacted]' },
    },
  }),
});
