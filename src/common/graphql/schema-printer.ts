import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';

/** The SDL the app serves, sorted: what `schema.gql` must hold. */
export function printServedSchema(app: INestApplication): string {
  return `${printSchema(lexicographicSortSchema(app.get(GraphQLSchemaHost).schema))}\n`;
}
