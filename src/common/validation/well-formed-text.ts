import { DocumentNode, FragmentDefinitionNode, Kind, OperationDefinitionNode, ValueNode, visit } from 'graphql';

/** A UTF-16 surrogate without its partner: not a Unicode character (encoders and validators choke on it). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored or compared as text, or undefined when it can. PostgreSQL refuses NUL in text. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (no unpaired surrogates)';
  return undefined;
}

/** The path DESIGN.md names a field by: inside `input` without the `input.` prefix, else from the argument's name. */
function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

/**
 * Every string an operation's arguments carry, from literals, variables and variable defaults, at
 * every depth (input objects, lists), checked once for NUL and unpaired surrogates before any
 * resolver or validator sees it. Returns `{ "location.name": "must …" }`, empty when all is well.
 * Arguments of fragments count too; a fragment used by another operation only costs a false alarm
 * for strings that would be refused anyway.
 */
export function malformedTextFields(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
): Record<string, string> {
  const fields: Record<string, string> = {};
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  }

  const checkRaw = (value: unknown, path: string, seen: Set<unknown>): void => {
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) fields[path || 'input'] ??= problem;
    } else if (Array.isArray(value)) {
      if (seen.has(value)) return;
      seen.add(value);
      value.forEach((item, i) => checkRaw(item, join(path, i), seen));
    } else if (value !== null && typeof value === 'object') {
      if (seen.has(value)) return;
      seen.add(value);
      for (const [key, item] of Object.entries(value)) checkRaw(item, join(path, key), seen);
    }
  };

  const checkNode = (node: ValueNode, path: string): void => {
    switch (node.kind) {
      case Kind.STRING: {
        const problem = textProblem(node.value);
        if (problem) fields[path || 'input'] ??= problem;
        return;
      }
      case Kind.LIST:
        node.values.forEach((item, i) => checkNode(item, join(path, i)));
        return;
      case Kind.OBJECT:
        for (const field of node.fields) checkNode(field.value, join(path, field.name.value));
        return;
      case Kind.VARIABLE: {
        const name = node.name.value;
        const value = variables?.[name];
        if (value !== undefined) checkRaw(value, path, new Set());
        else if (defaults.has(name)) checkNode(defaults.get(name)!, path);
        return;
      }
      default:
        return;
    }
  };

  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  for (const definition of [operation, ...fragments]) {
    visit(definition, {
      Argument(argument) {
        const name = argument.name.value;
        checkNode(argument.value, name === 'input' ? '' : name);
      },
    });
  }
  return fields;
}
