import type { GqlResponse } from './test-app';

/** The data of a response that must have succeeded. */
export function ok<T = any>(res: GqlResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data as T;
}

/** Asserts the response failed with exactly one error of `code`, and returns that error. */
export function fails(res: GqlResponse, code: string) {
  expect(res.errors?.map((e) => e.extensions.code)).toEqual([code]);
  return res.errors![0];
}

/** Asserts a BAD_USER_INPUT naming exactly `field`. */
export function badInput(res: GqlResponse, field: string) {
  const error = fails(res, 'BAD_USER_INPUT');
  expect(Object.keys(error.extensions.fields ?? {})).toEqual([field]);
  expect(typeof error.extensions.fields[field]).toBe('string');
}
