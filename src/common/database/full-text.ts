/**
 * A `to_tsquery('simple', …)` text in which every word of the search must match the start of a word:
 * "solid bol" finds "Solidarity with Bolivia". Only letters and digits reach the query, so no operator
 * can be injected. Null when the search has no word.
 */
export function prefixQuery(search: string): string | null {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  return words ? words.map((w) => `${w}:*`).join(' & ') : null;
}
