import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import {
  DocumentNode,
  getNamedType,
  getOperationAST,
  GraphQLError,
  GraphQLSchema,
  isCompositeType,
  isListType,
  isNonNullType,
  GraphQLOutputType,
  Kind,
  TypeNode,
} from 'graphql';

/** DESIGN.md: a document may return at most this many nodes (objects), counted as GitHub counts its node limit. */
export const MAX_QUERY_NODES = 25_000;

/** A connection's page size when the document gives none and the schema has no default (DESIGN.md: 20). */
export const DEFAULT_PAGE_SIZE = 20;

/**
 * How many entries a plain list of objects (no `first`) is assumed to hold: reading-list items,
 * shares, a user's memberships, an organisation's API keys. Generous, so a list can never be the
 * cheap way into a costly document.
 */
export const LIST_SIZE_ESTIMATE = 100;

/**
 * graphql-query-complexity walks the document with fragments expanded (and @skip/@include applied);
 * a fragment spread many times multiplies that walk, so it stops after this many selections and the
 * document is refused: the check itself must stay cheap.
 */
const MAX_EVALUATED_SELECTIONS = 10_000;

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function isConnection(type: GraphQLOutputType): boolean {
  return getNamedType(type).name.endsWith('Connection');
}

function pageSize(first: unknown): number {
  return typeof first === 'number' && Number.isFinite(first) ? Math.max(0, first) : DEFAULT_PAGE_SIZE;
}

/**
 * Counts the objects a field can return: one for an object, `first` (or its default) per page of a
 * connection, the list's known size for a plain list, each times what every one of them holds.
 * Scalars and enums are free. The `edges` of a connection are counted by the connection itself.
 */
export const nodeCountEstimator: ComplexityEstimator = ({ field, type, args, childComplexity }) => {
  if (!isCompositeType(getNamedType(field.type))) return 0;
  if (type.name.endsWith('Connection')) return childComplexity; // edges / nodes: the page size is the connection's
  if (isConnection(field.type)) return 1 + pageSize(args.first) * childComplexity;
  if (isList(field.type)) {
    const size = 'first' in args ? pageSize(args.first) : LIST_SIZE_ESTIMATE;
    return size * (1 + childComplexity);
  }
  return 1 + childComplexity;
};

/**
 * Costs by operation and by the values of its Int variables: only those can set a `first`, so a
 * page asked for with another id costs what the last one did. Apollo hands back the same parsed
 * document for the same text, so the chapter page is measured once, not per request.
 */
const knownCosts = new WeakMap<DocumentNode, Map<string, number>>();
const KNOWN_COSTS_PER_DOCUMENT = 256;

/** The number of nodes `document` (its operation `operationName`) can return with these variables. */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName: operationName ?? undefined,
    estimators: [nodeCountEstimator],
    maxQueryNodes: MAX_EVALUATED_SELECTIONS,
  });
}

function cachedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): number {
  const operation = getOperationAST(document, operationName);
  const sizing = (operation?.variableDefinitions ?? []).filter((v) => namedTypeOf(v.type) === 'Int').map((v) => variables?.[v.variable.name.value] ?? null);
  const key = `${operationName ?? ''}:${JSON.stringify(sizing)}`;
  let costs = knownCosts.get(document);
  if (!costs) knownCosts.set(document, (costs = new Map()));
  let cost = costs.get(key);
  if (cost === undefined) {
    cost = queryCost(schema, document, variables, operationName);
    if (costs.size < KNOWN_COSTS_PER_DOCUMENT) costs.set(key, cost);
  }
  return cost;
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

function costError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}

/**
 * GRAPHQL_VALIDATION_FAILED when the document can return more than MAX_QUERY_NODES nodes, else
 * undefined. Variables that do not fit the operation are left to execution, which refuses them
 * before anything runs (so they cannot be used to skip this check).
 */
export function queryCostError(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): GraphQLError | undefined {
  let cost: number;
  try {
    cost = cachedCost(schema, document, variables, operationName);
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) {
      return costError(`Query cost is over the limit of ${MAX_QUERY_NODES.toLocaleString('en')} nodes: too many selections to count`);
    }
    return undefined;
  }
  if (cost <= MAX_QUERY_NODES) return undefined;
  return costError(
    `Query cost ${Math.round(cost).toLocaleString('en')} is over the limit of ${MAX_QUERY_NODES.toLocaleString('en')} nodes; ask for smaller pages (first)`,
  );
}
