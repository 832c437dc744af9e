import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ModulesContainer } from '@nestjs/core';
import { resolverDeclarations } from '../../src/common/auth/access-declarations';
import { ACTORS, useMatrixApp } from '../support/permission-matrix';
import { apiKeyRows } from './api-keys.rows';
import { authUserRows } from './auth-users.rows';
import { eventRows } from './events.rows';
import { organisationRows } from './organisations.rows';
import { petitionRows } from './petitions.rows';
import { readingListRows } from './reading-lists.rows';
import { seriesRows } from './series.rows';
import { syncRows } from './sync.rows';
import { webhookRows } from './webhooks.rows';

/** Every feature's rows together (imported, not run: each feature's spec runs its own). */
const rows = [
  ...authUserRows,
  ...organisationRows,
  ...apiKeyRows,
  ...eventRows,
  ...petitionRows,
  ...readingListRows,
  ...syncRows,
  ...seriesRows,
  ...webhookRows,
];

describe('permission matrix', () => {
  const app = useMatrixApp();

  it('has a row for every Query and Mutation field and for every personal-data field', () => {
    const t = app();
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const operations = [schema.getQueryType(), schema.getMutationType()].flatMap((root) =>
      Object.keys(root?.getFields() ?? {}).map((f) => `${root!.name}.${f}`),
    );
    const personal = resolverDeclarations(t.app.get(ModulesContainer))
      .filter((d) => d.personalData)
      .map((d) => d.coordinate);
    expect(personal).toEqual(expect.arrayContaining(['Chapter.members', 'User.email']));
    const covered = new Set(rows.map((r) => r.covers));
    expect([...operations, ...personal].filter((c) => !covered.has(c))).toEqual([]);
    expect(rows.every((r) => r.expected.length === ACTORS.length)).toBe(true);
  });
});
