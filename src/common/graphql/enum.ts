import { registerEnumType } from '@nestjs/graphql';

/** Registers a `const` string tuple as a GraphQL enum and returns it as an enum-like object. */
export function graphqlEnum<T extends string>(name: string, values: readonly T[], valuesMap?: Partial<Record<T, { description: string }>>): Record<T, T> {
  const object = Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
  registerEnumType(object, { name, valuesMap });
  return object;
}
