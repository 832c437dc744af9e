import { createHash } from 'node:crypto';
import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { Kind, parse } from 'graphql';
import type { AuthenticatedRequest } from '../auth/authentication.middleware';
import { clientAddress } from '../rate-limit/client-address';
import { IdempotencyStore, StoredAnswer } from './idempotency.store';

const HEADER = 'idempotency-key';
/** Printable ASCII, 1–255 characters (as Stripe's keys; a UUID is the usual choice). */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;
/** Answers that say "nothing was done, try again": they free the key instead of being kept. */
const RETRYABLE_CODES = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMITED']);
/** The response headers a replay repeats. */
const KEPT_HEADERS = ['content-type'];

interface GraphQLBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/**
 * `Idempotency-Key` on POST /graphql requests that run a mutation (DESIGN.md, API conventions): the
 * first request with a key claims it for its caller and its answer is kept 24 hours; a repeat gets
 * that answer byte for byte without running anything, CONFLICT (409) while the first still runs, and
 * IDEMPOTENCY_KEY_REUSED (422) when its document or variables differ. The header is ignored on
 * requests without a mutation and on requests with bad credentials (they run nothing anyway).
 */
@Injectable()
export class IdempotencyMiddleware implements NestMiddleware {
  private readonly logger = new Logger(IdempotencyMiddleware.name);

  constructor(private readonly store: IdempotencyStore) {}

  use(req: AuthenticatedRequest, res: Response, next: NextFunction): void {
    const header = req.headers[HEADER];
    if (header === undefined || req.method !== 'POST' || req.originalUrl.split('?')[0] !== '/graphql' || req.authError || !isMutation(req.body as GraphQLBody))
      return next();
    const key = Array.isArray(header) ? header.join(', ') : header;
    if (!VALID_KEY.test(key)) {
      return void sendError(res, 400, 'BAD_USER_INPUT', 'Invalid Idempotency-Key header', {
        fields: { 'Idempotency-Key': 'must be 1 to 255 printable ASCII characters' },
      });
    }
    void this.handle(req, res, next, callerOf(req), key).catch(next);
  }

  private async handle(req: AuthenticatedRequest, res: Response, next: NextFunction, caller: string, key: string): Promise<void> {
    const outcome = await this.store.claim(caller, key, requestHash(req.body as GraphQLBody)).catch((error: Error) => {
      this.logger.warn({ error: error.message }, 'idempotency claim failed');
      return null;
    });
    if (!outcome) return sendError(res, 503, 'SERVICE_UNAVAILABLE', 'The service is unavailable right now, try again shortly', { retryAfterSeconds: 1 });
    switch (outcome.kind) {
      case 'reused':
        return sendError(res, 422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different document or variables');
      case 'running':
        return sendError(res, 409, 'CONFLICT', 'A request with this Idempotency-Key is still running; retry when it has finished', { retryAfterSeconds: 1 });
      case 'replay':
        res.status(outcome.answer.status);
        for (const [name, value] of Object.entries(outcome.answer.headers)) res.setHeader(name, value);
        res.setHeader('Idempotent-Replayed', 'true');
        res.end(outcome.answer.body);
        return;
      case 'claimed':
        this.capture(res, (answer) => this.settle(caller, key, outcome.claim, answer));
        return next();
    }
  }

  /**
   * Holds the response body until `settle` has stored it, so a retry that arrives once the client has
   * its answer always finds the answer kept (never a RUNNING claim).
   */
  private capture(res: Response, settle: (answer: StoredAnswer) => Promise<void>): void {
    const chunks: Buffer[] = [];
    const originalEnd = res.end.bind(res) as (body?: Buffer, callback?: () => void) => Response;
    const toBuffer = (chunk: unknown, encoding?: unknown) =>
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    res.write = ((chunk: unknown, encoding?: unknown, callback?: () => void) => {
      chunks.push(toBuffer(chunk, encoding));
      (typeof encoding === 'function' ? (encoding as () => void) : callback)?.();
      return true;
    }) as Response['write'];
    res.end = ((chunk?: unknown, encoding?: unknown, callback?: () => void) => {
      if (typeof chunk === 'function') [callback, chunk] = [chunk as () => void, undefined];
      if (typeof encoding === 'function') [callback, encoding] = [encoding as () => void, undefined];
      if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = res.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      void settle({ status: res.statusCode, headers, body })
        .catch((error: Error) => this.logger.warn({ error: error.message }, 'idempotency answer not stored'))
        .finally(() => originalEnd(body, callback));
      return res;
    }) as Response['end'];
  }

  private settle(caller: string, key: string, claim: string, answer: StoredAnswer): Promise<void> {
    return isRetryable(answer) ? this.store.release(caller, key, claim) : this.store.keep(caller, key, claim, answer);
  }
}

/** Whose key it is: the user, the API key, or for anonymous callers the client IP (an IPv6 client by its /64). */
function callerOf(req: AuthenticatedRequest): string {
  const actor = req.actor;
  if (actor.kind === 'user') return `user:${actor.userId}`;
  if (actor.kind === 'apiKey') return `key:${actor.apiKeyId}`;
  // req.ip follows X-Forwarded-For only when TRUST_PROXY is set (Express's trust proxy).
  return `ip:${clientAddress(req.ip ?? 'unknown')}`;
}

/** Whether the operation the request runs is a mutation; unparsable documents are left to Apollo. */
function isMutation(body: GraphQLBody | undefined): boolean {
  if (!body || typeof body.query !== 'string') return false;
  try {
    const operations = parse(body.query).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const chosen =
      typeof body.operationName === 'string'
        ? operations.find((o) => o.name?.value === body.operationName)
        : operations.length === 1
          ? operations[0]
          : undefined;
    return chosen?.operation === 'mutation';
  } catch {
    return false;
  }
}

/** The document, operation name and variables (keys sorted, so their order does not matter). */
function requestHash(body: GraphQLBody): string {
  const variables = body.variables ?? {};
  return createHash('sha256')
    .update(JSON.stringify([body.query, body.operationName ?? null, canonical(variables)]))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function isRetryable(answer: StoredAnswer): boolean {
  if (answer.status === 429 || answer.status === 503) return true;
  try {
    const parsed = JSON.parse(answer.body.toString('utf8')) as { errors?: Array<{ extensions?: { code?: string } }> };
    return (parsed.errors ?? []).some((e) => RETRYABLE_CODES.has(e.extensions?.code ?? ''));
  } catch {
    return false;
  }
}

function sendError(res: Response, status: number, code: string, message: string, extensions: Record<string, unknown> = {}): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}
