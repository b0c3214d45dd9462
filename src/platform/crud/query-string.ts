import { parse } from 'qs';

/** At most this many `name=value` pairs: past it the query string is refused, never truncated. */
export const MAX_QUERY_PARAMETERS = 100;
/**
 * At most this many bracket levels below a parameter's name: enough for a condition inside a group
 * inside a group (`filter[or][0][and][0][status][eq]`), and refused beyond.
 */
export const MAX_QUERY_DEPTH = 6;

/** Why a query string was refused before any route saw it. */
export class QueryStringError extends Error {}

/**
 * Parses a query string into nested objects (`filter[status][eq]=done` -> `{ filter: { status: { eq:
 * 'done' } } }`) with qs under hard limits, so a hostile query string costs bounded work: too many
 * pairs or too deep a nesting throws instead of being cut silently (which would change its meaning).
 * Brackets never make arrays (`or[0]` is the key "0"), so the meaning of a query string depends only on
 * the order of pairs that share a root name, which normalizeQuery (the cache key) keeps.
 */
export function parseQueryString(search: string): Record<string, unknown> {
  try {
    return parse(search, {
      depth: MAX_QUERY_DEPTH,
      strictDepth: true,
      parameterLimit: MAX_QUERY_PARAMETERS,
      throwOnLimitExceeded: true,
      parseArrays: false,
      allowDots: false,
      allowPrototypes: false,
      duplicates: 'combine',
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new QueryStringError(
      `The query string may have at most ${MAX_QUERY_PARAMETERS} parameters, each at most ${MAX_QUERY_DEPTH} brackets deep`,
    );
  }
}
