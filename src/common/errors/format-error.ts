import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode } from './domain-error';

/** Codes Apollo or graphql-js produce themselves that pass through as they are. */
const PASS_THROUGH = new Set(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'UNAUTHENTICATED', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/** An error is "expected" when it maps to a code other than INTERNAL_SERVER_ERROR. */
export function errorCode(error: unknown): ErrorCode {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original.code;
  const code = (error as { extensions?: { code?: string } })?.extensions?.code;
  // Unparsable documents and refused requests (batched, CSRF) are "invalid documents" in DESIGN.md's terms.
  if (code === 'GRAPHQL_PARSE_FAILED' || code === 'BAD_REQUEST') return 'GRAPHQL_VALIDATION_FAILED';
  // An operationName that names no operation of the document (or none given for several): the request, not the document, is wrong.
  if (code === 'OPERATION_RESOLUTION_FAILURE') return 'BAD_REQUEST';
  if (code && PASS_THROUGH.has(code) && !(original instanceof Error && original !== error)) return code as ErrorCode;
  return 'INTERNAL_SERVER_ERROR';
}

/** The one place that decides what a client sees of an error. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = errorCode(error);
  const base = { locations: formatted.locations, path: formatted.path };
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code, ...original.extensions } };
  }
  if (code === 'INTERNAL_SERVER_ERROR') {
    return { ...base, message: 'Internal server error', extensions: { code } };
  }
  const extensions: Record<string, unknown> = { code };
  // Fields named where the error was raised (the request checks) are kept; variable coercion errors name them in the message.
  if (code === 'BAD_USER_INPUT') extensions.fields = fieldsOf(formatted) ?? variableFields(formatted.message);
  return { ...base, message: formatted.message, extensions };
}

/**
 * Production: no "Did you mean …?" in any message. Validation-time suggestion plugins never see
 * variable coercion errors, which suggest enum values and input fields ("Did you mean the enum value …").
 */
export function formatErrorWithoutSuggestions(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  return formatError({ ...formatted, message: formatted.message.replace(/ ?Did you mean [^?]*\?/g, '') }, error);
}

function fieldsOf(formatted: GraphQLFormattedError): Record<string, string> | undefined {
  const fields = formatted.extensions?.fields;
  return fields && typeof fields === 'object' && !Array.isArray(fields) ? (fields as Record<string, string>) : undefined;
}

/** Variable coercion errors name the bad path in their message: `... at "input.email"; ...`. */
function variableFields(message: string): Record<string, string> {
  const at = /at "[^".]+\.([^"]+)"/.exec(message);
  // graphql 16: `Field "email" of required type "String!" was not provided.` (the path, if any, is in `at "…"`).
  const field = /Field "([^"]+)" is not defined/.exec(message) ?? /Field "([^"]+)" of required type/.exec(message);
  const path = [at?.[1], field?.[1]].filter(Boolean).join('.') || 'input';
  return { [path]: message };
}
