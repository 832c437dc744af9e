import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { Logger } from '@nestjs/common';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError, GraphQLSchema } from 'graphql';
import type { AccessService } from '../access/access.service';
import type { AuthenticatedRequest } from '../auth/authentication.middleware';
import type { Settings } from '../config/settings';
import { errorCode, formatError, formatErrorWithoutSuggestions } from '../errors/format-error';
import { GraphQLWsContext, graphqlWsOptions, graphqlWsRequestContext, isGraphQLWsContext } from './graphql-ws';
import { MAX_QUERY_NODES } from './query-cost';
import { RequestContext } from './request-context';
import { requestChecksPlugin } from './request-checks.plugin';

/** Query limits: generous for real clients, small enough that no document can be made expensive. */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxTokens: 2000,
  /** Nodes a document can return (query-cost.ts), checked with the request's variables by requestChecksPlugin. */
  maxNodes: MAX_QUERY_NODES,
  maxDirectives: 20,
};

function armor() {
  return new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, flattenFragments: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    // Counted by Apollo's own parser (parseOptions below): armor's Apollo plugin re-parses in a hook,
    // so every syntax error and every over-long document became an HTTP 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // Cost is a node count that needs the request's variables (first: $n): requestChecksPlugin measures it.
    costLimit: { enabled: false },
    // Suggestions are removed from every message by formatErrorWithoutSuggestions in production.
    blockFieldSuggestion: { enabled: false },
  }).protect();
}

/** Logs each unexpected error once, with the request id; the client sees only INTERNAL_SERVER_ERROR. */
function unexpectedErrorLogger(): ApolloServerPlugin<RequestContext> {
  const logger = new Logger('GraphQL');
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (errorCode(error) !== 'INTERNAL_SERVER_ERROR') continue;
            const cause = (error.originalError ?? error) as Error;
            logger.error({ requestId: contextValue?.requestId, path: error.path?.join('.'), error: cause.message, stack: cause.stack }, 'unexpected error');
          }
        },
      };
    },
  };
}

export function graphqlConfig(settings: Settings, access: AccessService): ApolloDriverConfig {
  const production = settings.config.isProduction;
  const protection = armor();
  // graphql-ws runs the same request checks and needs the schema, which exists only once Apollo starts.
  const schema: { current?: GraphQLSchema } = {};
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    graphiql: false,
    introspection: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: an unbounded server-side cache and one more error path for little gain.
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    // No enhancers on field resolvers: they are all @Public() and check rows themselves (asserted at start-up),
    // so Nest calls those without parameter decorators directly.
    fieldResolverEnhancers: [],
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    validationRules: protection.validationRules,
    plugins: [
      ...protection.plugins,
      requestChecksPlugin(),
      { serverWillStart: async ({ schema: built }) => void (schema.current = built) },
      unexpectedErrorLogger(),
      // No HTTP cache hints are used; without this plugin Apollo wraps every field resolver to compute them.
      ApolloServerPluginCacheControlDisabled(),
      production ? ApolloServerPluginLandingPageProductionDefault({ footer: false }) : ApolloServerPluginLandingPageLocalDefault({ footer: false }),
      // @apollo/server ships CJS and ESM typings of the same classes; they are the same at run time.
    ] as NonNullable<ApolloDriverConfig['plugins']>,
    formatError: production ? formatErrorWithoutSuggestions : formatError,
    // Subscriptions over graphql-ws on the same path; see graphql-ws.ts for authentication and limits there.
    subscriptions: {
      'graphql-ws': graphqlWsOptions({
        path: '/graphql',
        production,
        maxTokens: QUERY_LIMITS.maxTokens,
        validationRules: protection.validationRules,
        schema: () => schema.current,
        format: production ? formatErrorWithoutSuggestions : formatError,
        trustProxy: settings.config.TRUST_PROXY,
        maxSubscriptionsPerSocket: settings.config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
        maxSocketsPerIp: settings.config.WS_MAX_SOCKETS_PER_IP,
        apiKeyRecheckMs: settings.config.WS_API_KEY_RECHECK_SECONDS * 1000,
        liveApiKeys: (ids) => access.liveApiKeyIds(ids),
      }),
    },
    // HTTP: `{ req }` authenticated by the middleware; graphql-ws: the socket's context, authenticated on connection_init.
    context: (arg: { req: AuthenticatedRequest } | GraphQLWsContext) => {
      if (isGraphQLWsContext(arg)) return graphqlWsRequestContext(arg, access, settings.config.TRUST_PROXY);
      const { req } = arg;
      if (req.authError) {
        throw new GraphQLError(req.authError.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      return new RequestContext(req.actor, String(req.id ?? ''), req.ip ?? 'unknown', (actor) => access.grantsFor(actor));
    },
  };
}
