import { Matches } from 'class-validator';
import { isUniqueViolation } from '../database/transaction';
import { ConflictError } from '../errors/domain-error';

export const SLUG_PATTERN = /^(?=.{3,60}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const IsSlug = () => Matches(SLUG_PATTERN, { message: 'must be 3–60 lowercase letters, digits and single hyphens' });

/** "Friends of Bolivia — La Paz!" → "friends-of-bolivia-la-paz"; padded to 3 characters, cut to leave room for a suffix. */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/g, '');
  return base.length >= 3 ? base : `${base || 'x'}-${'0'.repeat(Math.max(1, 2 - base.length))}`.slice(0, 60).padEnd(3, '0');
}

/** How often a create retries when a concurrent request took the derived slug between choosing and inserting it. */
const DERIVED_SLUG_ATTEMPTS = 10;

/** The first of `base`, `base-2`, `base-3`… for which `taken` answers false. */
export async function uniqueSlug(base: string, taken: (candidates: string[]) => Promise<Set<string>>): Promise<string> {
  const candidates = [base, ...Array.from({ length: 49 }, (_, i) => `${base}-${i + 2}`)];
  const used = await taken(candidates);
  const free = candidates.find((c) => !used.has(c));
  return free ?? `${base}-${Date.now().toString(36)}`;
}

/**
 * Inserts with the explicit slug (CONFLICT when taken) or with one derived by `derive`, derived
 * again when a concurrent insert took it first.
 */
export async function insertWithSlug<T>(explicit: string | undefined, derive: () => Promise<string>, insert: (slug: string) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const slug = explicit ?? (await derive());
    try {
      return await insert(slug);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (explicit || attempt >= DERIVED_SLUG_ATTEMPTS) throw new ConflictError(`The slug "${slug}" is taken`);
    }
  }
}
