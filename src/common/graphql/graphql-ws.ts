import { clientAddress } from '../rate-limit/client-address';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import {
  DocumentNode,
  getOperationAST,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  ValidationRule,
} from 'graphql';
import type { Context, ServerOptions } from 'graphql-ws';
import passport from 'passport';
import type { WebSocket } from 'ws';
import type { AccessService } from '../access/access.service';
import { ANONYMOUS, Actor } from '../auth/actor';
import { DomainError, UnauthenticatedError } from '../errors/domain-error';
import { errorCode } from '../errors/format-error';
import { RequestContext } from './request-context';
import { operationCheckError } from './request-checks.plugin';

// Close codes, as in graphql-ws: 44xx the client's doing, 45xx the server's.
/** Credentials that cannot be used: bad at `connection_init`, or an access token that expired or an API key revoked since. */
export const WS_CLOSE_UNAUTHORIZED = 4401;
/** Over WS_MAX_SOCKETS_PER_IP: the new socket is closed (graphql-ws clients do not retry it). */
export const WS_CLOSE_TOO_MANY_SOCKETS = 4429;
const WS_CLOSE_INTERNAL = 4500;
/** setTimeout's longest delay; a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What graphql-ws keeps per socket; `actor` is decided once, from `connectionParams`, when the connection is initialised. */
interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
  actor?: Actor;
}

/** The argument the context factory receives for an operation over graphql-ws (HTTP gives `{ req, res }`). */
export type GraphQLWsContext = Context<Record<string, unknown> | undefined, unknown>;

export function isGraphQLWsContext(value: unknown): value is GraphQLWsContext {
  return typeof value === 'object' && value !== null && 'extra' in value && 'subscriptions' in value && 'connectionInitReceived' in value;
}

/**
 * Runs passport's bearer strategy, the one the HTTP middleware runs, on an `Authorization` value
 * that came some other way (graphql-ws `connectionParams`): the same parsing and the same checks.
 */
export function authenticateBearer(authorization: string): Promise<Actor> {
  return new Promise((resolve, reject) => {
    const req = { headers: { authorization }, query: {}, body: {} };
    passport.authenticate('bearer', { session: false }, (error: unknown, actor: Actor | false) => {
      if (actor && !error) resolve(actor);
      // A DomainError is an answer (bad token, revoked key); anything else is a failure to check (database down).
      else reject(error ?? new UnauthenticatedError('Invalid credentials'));
    })(req, {}, (error: unknown) => reject(error ?? new UnauthenticatedError('Invalid credentials')));
  });
}

/** `connectionParams.authorization` (any capitalisation), like the HTTP header: absent or empty means anonymous. */
function authorizationOf(params: Record<string, unknown> | undefined): unknown {
  if (!params) return undefined;
  const key = Object.keys(params).find((k) => k.toLowerCase() === 'authorization');
  return key === undefined ? undefined : params[key];
}

/** The client's address: the proxy's X-Forwarded-For (its first entry, as Express's `trust proxy`) only when trusted. */
export function clientIpOf(request: IncomingMessage | undefined, trustProxy: boolean): string {
  const forwarded = request?.headers?.['x-forwarded-for'];
  const first = trustProxy ? (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() : undefined;
  return first || request?.socket?.remoteAddress || 'unknown';
}

/** The RequestContext of one operation over graphql-ws: the connection's actor, a fresh id and fresh loaders. */
export function graphqlWsRequestContext(ctx: GraphQLWsContext, access: AccessService, trustProxy = false): RequestContext {
  const extra = ctx.extra as SocketExtra;
  return new RequestContext(extra.actor ?? ANONYMOUS, randomUUID(), clientIpOf(extra.request, trustProxy), (actor) => access.grantsFor(actor));
}

/** The `exp` (seconds) of a JWT already verified by the bearer strategy; null when it has none. */
function expiryOf(authorization: string): number | null {
  const payload = authorization.replace(/^Bearer\s+/i, '').split('.')[1];
  try {
    const exp = (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

/**
 * The open sockets of one server: how many each client IP holds, and which API key each key socket
 * was authenticated with. Every few seconds (while any key socket is open) one statement re-checks
 * all those keys, so a key revoked on any instance closes its sockets on every instance within that
 * interval. (A LISTEN/NOTIFY channel would be faster but needs one more dedicated connection per
 * instance and a catch-up after each reconnect; a periodic check of a primary-key lookup is simpler
 * and cannot miss a revocation.)
 */
class OpenSockets {
  private readonly perIp = new Map<string, number>();
  private readonly keySockets = new Map<WebSocket, string>();
  private recheck: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly settings: GraphQLWsSettings,
    private readonly logger: Logger,
  ) {}

  /** Counts the socket against its IP until it closes; false (nothing counted) when the IP is at its cap. */
  admit(socket: WebSocket, ip: string): boolean {
    const open = this.perIp.get(ip) ?? 0;
    if (open >= this.settings.maxSocketsPerIp) return false;
    this.perIp.set(ip, open + 1);
    socket.once('close', () => {
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
    return true;
  }

  /** Closes the socket with 4401 when the access token expires (at its `exp`). */
  expireAt(socket: WebSocket, exp: number): void {
    let timer: NodeJS.Timeout;
    const wait = () => {
      const left = exp * 1000 - Date.now();
      if (left <= 0) return socket.close(WS_CLOSE_UNAUTHORIZED, 'Access token expired');
      timer = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
    };
    wait();
    socket.once('close', () => clearTimeout(timer));
  }

  /** Re-checks the socket's API key until it closes; a revoked key closes it with 4401. */
  watchKey(socket: WebSocket, apiKeyId: string): void {
    this.keySockets.set(socket, apiKeyId);
    socket.once('close', () => {
      this.keySockets.delete(socket);
      if (this.keySockets.size === 0 && this.recheck) {
        clearInterval(this.recheck);
        this.recheck = null;
      }
    });
    if (!this.recheck) {
      this.recheck = setInterval(() => void this.recheckKeys(), this.settings.apiKeyRecheckMs);
      this.recheck.unref(); // never what keeps the process alive
    }
  }

  private async recheckKeys(): Promise<void> {
    if (this.checking || this.keySockets.size === 0) return;
    this.checking = true;
    try {
      const live = await this.settings.liveApiKeys([...new Set(this.keySockets.values())]);
      for (const [socket, keyId] of this.keySockets) {
        if (!live.has(keyId)) socket.close(WS_CLOSE_UNAUTHORIZED, 'API key revoked');
      }
    } catch (error) {
      // The database is unreachable: sockets keep their keys until the next check can answer.
      this.logger.warn({ error: (error as Error)?.message }, 'could not re-check websocket API keys');
    } finally {
      this.checking = false;
    }
  }
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}

export interface GraphQLWsSettings {
  path: string;
  production: boolean;
  maxTokens: number;
  /** The same extra rules (depth, aliases…) the HTTP endpoint validates with. */
  validationRules: ValidationRule[];
  /** The served schema (known once the server has started), for the checks that need variables (text, cost). */
  schema: () => GraphQLSchema | undefined;
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Take the client IP from X-Forwarded-For (TRUST_PROXY). */
  trustProxy: boolean;
  /** WS_MAX_SUBSCRIPTIONS_PER_SOCKET */
  maxSubscriptionsPerSocket: number;
  /** WS_MAX_SOCKETS_PER_IP */
  maxSocketsPerIp: number;
  /** WS_API_KEY_RECHECK_SECONDS, in ms. */
  apiKeyRecheckMs: number;
  /** Which of these API key ids still authenticate. */
  liveApiKeys: (ids: string[]) => Promise<Set<string>>;
}

/**
 * graphql-ws on `path` (the `subscriptions['graphql-ws']` options of the Apollo driver, which passes
 * them on to graphql-ws's `useServer`):
 * - `connection_init` authenticates `connectionParams.authorization` (`Bearer <access token | API key>`)
 *   with the bearer strategy: none is anonymous; bad credentials close the socket with 4401, never anonymous.
 *   The socket keeps them only while they are valid: 4401 when the access token expires or the API key is
 *   revoked (see OpenSockets).
 * - At most `maxSocketsPerIp` initialised sockets per client IP (the next is closed with 4429; a socket that
 *   never initialises is closed after 5 s) and `maxSubscriptionsPerSocket` subscriptions per socket (the next
 *   one gets a RATE_LIMITED error).
 * - Only subscriptions are served here; queries and mutations go to `POST /graphql` (rate limits, CSRF and
 *   the client IP live there). Documents get the same token, depth, alias and cost limits as over HTTP,
 *   no introspection in production, and errors the same formatter.
 */
export function graphqlWsOptions(settings: GraphQLWsSettings): Partial<ServerOptions> & { path: string } {
  const logger = new Logger('GraphQL-WS');
  const sockets = new OpenSockets(settings, logger);
  const rules = [...specifiedRules, ...settings.validationRules, ...(settings.production ? [NoSchemaIntrospectionCustomRule] : [])];
  const format = (errors: readonly GraphQLError[], requestId?: string) =>
    errors.map((error) => {
      if (errorCode(error) === 'INTERNAL_SERVER_ERROR') {
        const cause = (error.originalError ?? error) as Error;
        logger.error({ requestId, path: error.path?.join('.'), error: cause.message, stack: cause.stack }, 'unexpected error');
      }
      // A refusal made here (not by a resolver) has no path, so the formatter is handed the DomainError itself.
      return settings.format(error.toJSON(), error.originalError instanceof DomainError ? error.originalError : error);
    });
  return {
    path: settings.path,
    connectionInitWaitTimeout: 5_000,
    onConnect: async (ctx) => {
      const extra = ctx.extra as SocketExtra;
      if (!sockets.admit(extra.socket, clientAddress(clientIpOf(extra.request, settings.trustProxy)))) {
        extra.socket.close(WS_CLOSE_TOO_MANY_SOCKETS, `Too many connections from this address (at most ${settings.maxSocketsPerIp})`);
        return false;
      }
      const authorization = authorizationOf(ctx.connectionParams);
      if (authorization === undefined || authorization === null || authorization === '') {
        extra.actor = ANONYMOUS;
        return true;
      }
      try {
        if (typeof authorization !== 'string') throw new UnauthenticatedError('Invalid credentials');
        const actor = await authenticateBearer(authorization);
        extra.actor = actor;
        if (actor.kind === 'apiKey') sockets.watchKey(extra.socket, actor.apiKeyId);
        const exp = actor.kind === 'user' ? expiryOf(authorization) : null;
        if (exp !== null) sockets.expireAt(extra.socket, exp);
        return true;
      } catch (error) {
        if (error instanceof DomainError) {
          extra.socket.close(WS_CLOSE_UNAUTHORIZED, error.message.slice(0, 100));
        } else {
          logger.error({ error: (error as Error)?.message, stack: (error as Error)?.stack }, 'websocket authentication failed');
          extra.socket.close(WS_CLOSE_INTERNAL, 'Internal server error');
        }
        // graphql-ws then closes with 4403 as well; the socket is already closing with the code above.
        return false;
      }
    },
    onSubscribe: (ctx, _id, payload) => {
      // graphql-ws has already entered this one in ctx.subscriptions (and removes it when it ends).
      if (Object.keys(ctx.subscriptions).length > settings.maxSubscriptionsPerSocket) {
        const refusal = new DomainError(
          'RATE_LIMITED',
          `At most ${settings.maxSubscriptionsPerSocket} subscriptions per connection: complete one first, or open another connection`,
          { retryAfterSeconds: 1 },
        );
        return [new GraphQLError(refusal.message, { originalError: refusal })];
      }
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: settings.maxTokens });
      } catch (error) {
        const message = error instanceof GraphQLError ? error.message : 'Syntax error';
        return [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
      }
      const operation = getOperationAST(document, payload.operationName);
      if (operation && operation.operation !== 'subscription') {
        return [
          new GraphQLError('Only subscriptions are served over WebSocket; send queries and mutations to POST /graphql', {
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          }),
        ];
      }
      // Well-formed text and the node count need the variables, which `validate` below does not get.
      const schema = settings.schema();
      if (operation && schema) {
        const error = operationCheckError(schema, document, operation, payload.variables);
        if (error) return [error];
      }
      // graphql-ws parses (now known to succeed) and validates with `validate` below.
      return undefined;
    },
    validate: ((schema: GraphQLSchema, document: DocumentNode) =>
      validate(schema, document, rules).map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'))) as typeof validate,
    onError: (_ctx, _id, _payload, errors) => format(errors),
    onNext: (_ctx, _id, _payload, args, result) =>
      result.errors?.length ? { ...result, errors: format(result.errors, (args.contextValue as RequestContext | undefined)?.requestId) } : undefined,
  };
}
