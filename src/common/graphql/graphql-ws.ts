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

/** Close codes sent when `connection_init` carries credentials that cannot be used (as in graphql-ws: 44xx client, 45xx server). */
export const WS_CLOSE_UNAUTHORIZED = 4401;
const WS_CLOSE_INTERNAL = 4500;

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

/** The RequestContext of one operation over graphql-ws: the connection's actor, a fresh id and fresh loaders. */
export function graphqlWsRequestContext(ctx: GraphQLWsContext, access: AccessService): RequestContext {
  const extra = ctx.extra as SocketExtra;
  const ip = extra.request?.socket?.remoteAddress ?? 'unknown';
  return new RequestContext(extra.actor ?? ANONYMOUS, randomUUID(), ip, (actor) => access.grantsFor(actor));
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
}

/**
 * graphql-ws on `path` (the `subscriptions['graphql-ws']` options of the Apollo driver, which passes
 * them on to graphql-ws's `useServer`):
 * - `connection_init` authenticates `connectionParams.authorization` (`Bearer <access token | API key>`)
 *   with the bearer strategy: none is anonymous; bad credentials close the socket with 4401, never anonymous.
 * - Only subscriptions are served here; queries and mutations go to `POST /graphql` (rate limits, CSRF and
 *   the client IP live there). Documents get the same token, depth, alias and cost limits as over HTTP,
 *   no introspection in production, and errors the same formatter.
 */
export function graphqlWsOptions(settings: GraphQLWsSettings): Partial<ServerOptions> & { path: string } {
  const logger = new Logger('GraphQL-WS');
  const rules = [...specifiedRules, ...settings.validationRules, ...(settings.production ? [NoSchemaIntrospectionCustomRule] : [])];
  const format = (errors: readonly GraphQLError[], requestId?: string) =>
    errors.map((error) => {
      if (errorCode(error) === 'INTERNAL_SERVER_ERROR') {
        const cause = (error.originalError ?? error) as Error;
        logger.error({ requestId, path: error.path?.join('.'), error: cause.message, stack: cause.stack }, 'unexpected error');
      }
      return settings.format(error.toJSON(), error);
    });
  return {
    path: settings.path,
    connectionInitWaitTimeout: 5_000,
    onConnect: async (ctx) => {
      const extra = ctx.extra as SocketExtra;
      const authorization = authorizationOf(ctx.connectionParams);
      if (authorization === undefined || authorization === null || authorization === '') {
        extra.actor = ANONYMOUS;
        return true;
      }
      try {
        if (typeof authorization !== 'string') throw new UnauthenticatedError('Invalid credentials');
        extra.actor = await authenticateBearer(authorization);
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
    onSubscribe: (_ctx, _id, payload) => {
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
