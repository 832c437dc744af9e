import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { malformedTextFields } from '../validation/well-formed-text';
import { queryCostError } from './query-cost';

/**
 * The checks every operation passes once it is known and before anything runs, over HTTP (after
 * validation) and graphql-ws (before it) alike: every string argument is well-formed text (BAD_USER_INPUT naming the
 * field), and the document's node count is within the limit (GRAPHQL_VALIDATION_FAILED). Both
 * need the request's variables, which validation rules never see.
 */
export function operationCheckError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError | undefined {
  const fields = malformedTextFields(operation, document, variables);
  if (Object.keys(fields).length > 0) {
    return new GraphQLError(`Invalid input: ${Object.keys(fields).join(', ')}`, {
      extensions: { code: 'BAD_USER_INPUT', fields, http: { status: 400 } },
    });
  }
  return queryCostError(schema, document, variables, operation.name?.value);
}

/** Runs operationCheckError on every HTTP request; answers persisted-query hashes with HTTP 400 (they are not supported). */
export function requestChecksPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // No operation matched operationName: execution answers that as a bad request.
          if (!operation) return;
          const error = operationCheckError(schema, document, operation, request.variables);
          if (error) throw error;
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          // Apollo answers PERSISTED_QUERY_NOT_SUPPORTED with HTTP 200 (for APQ clients); it is a client error here.
          if (response.body.singleResult.errors?.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_SUPPORTED')) {
            response.http.status = 400;
          }
        },
      };
    },
  };
}
