import { DomainError } from '../../src/common/errors/domain-error';
import { decodeCursor, encodeCursor, toConnection } from '../../src/common/pagination/paginate';

const ID = '3f1c2a4e-9b7d-4c1e-8a2f-0d5e6b7c8a9f';
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The error decodeCursor throws for `cursor`, or undefined. */
function rejection(cursor: string): DomainError | undefined {
  try {
    decodeCursor(cursor);
  } catch (error) {
    return error as DomainError;
  }
  return undefined;
}

describe('cursors', () => {
  it('round-trip a string or number sort value with the id', () => {
    expect(decodeCursor(encodeCursor('Galeano', ID))).toEqual(['Galeano', ID]);
    expect(decodeCursor(encodeCursor(42, ID))).toEqual([42, ID]);
    expect(decodeCursor(encodeCursor(-0.5, ID))).toEqual([-0.5, ID]);
  });

  it('carry a Date as its ISO instant', () => {
    expect(decodeCursor(encodeCursor(new Date('2026-03-08T10:00:00.000Z'), ID))).toEqual(['2026-03-08T10:00:00.000Z', ID]);
  });

  it('are URL-safe', () => {
    expect(encodeCursor('??>>~~ ünïcode', ID)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['not base64 JSON', 'not a cursor!'],
    ['empty', ''],
    ['an object', b64({ value: 1, id: ID })],
    ['one element', b64([ID])],
    ['three elements', b64([1, ID, 2])],
    ['an id that is not a UUID', b64([1, 'abc'])],
    ['a null value', b64([null, ID])],
    ['a boolean value', b64([true, ID])],
    ['a nested value', b64([[1], ID])],
    ['a JSON number too large to be finite', b64(`[1e999, "${ID}"]`)],
  ])('reject %s as BAD_USER_INPUT on `after`', (_what, cursor) => {
    const error = rejection(cursor);
    expect(error?.code).toBe('BAD_USER_INPUT');
    expect(error?.extensions).toEqual({ fields: { after: expect.any(String) } });
  });
});

describe('toConnection', () => {
  const rows = ['a', 'b', 'c'].map((name, i) => ({ name, id: ID.replace(/.$/, String(i)) }));
  const keyOf = (row: { name: string; id: string }) => ({ value: row.name, id: row.id });

  it('keeps `first` rows, says whether more follow, and gives each edge the cursor of its row', () => {
    const page = toConnection(
      rows,
      2,
      keyOf,
      (r) => r.name.toUpperCase(),
      async () => 3,
    );
    expect(page.edges.map((e) => e.node)).toEqual(['A', 'B']);
    expect(page.edges.map((e) => decodeCursor(e.cursor))).toEqual([
      ['a', rows[0].id],
      ['b', rows[1].id],
    ]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: page.edges[0].cursor, endCursor: page.edges[1].cursor });
  });

  it('has no next page when the extra row is missing, and passes hasPreviousPage through', () => {
    const page = toConnection(
      rows.slice(0, 2),
      2,
      keyOf,
      (r) => r,
      async () => 2,
      true,
    );
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(page.pageInfo.hasPreviousPage).toBe(true);
  });

  it('gives null cursors for an empty page', () => {
    const page = toConnection(
      [],
      20,
      keyOf,
      (r) => r,
      async () => 0,
    );
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  it('counts only when totalCount is read', async () => {
    const count = jest.fn(async () => 7);
    const page = toConnection(rows, 2, keyOf, (r) => r, count);
    expect(count).not.toHaveBeenCalled();
    await expect(page.totalCount).resolves.toBe(7);
    expect(count).toHaveBeenCalledTimes(1);
  });
});
