import { ResourceDefinition } from '../crud/resource';

/**
 * The one place cache keys are built. Everything the platform stores in Redis starts with this
 * prefix, so it can share a Redis with other tenants and be inspected or flushed as a group.
 */
export const CACHE_KEY_PREFIX = 'apso:';

type Named = Pick<ResourceDefinition, 'name'>;

/** A single row as GET /<resource>/:id returns it. */
export function itemKey(resource: Named, id: string | number): string {
  return `${CACHE_KEY_PREFIX}${resource.name}:item:${id}`;
}

/**
 * Holds the resource's current list version. Every write replaces it, so list keys of older versions
 * are never read again and simply expire.
 */
export function listVersionKey(resource: Named): string {
  return `${CACHE_KEY_PREFIX}${resource.name}:list-version`;
}

/** One page of a list, for one list version and one normalized query string. */
export function listKey(resource: Named, version: string, normalizedQuery: string): string {
  return `${CACHE_KEY_PREFIX}${resource.name}:list:${version}:${normalizedQuery}`;
}

/** Sorts parameters (stable for repeated keys) so `?a=1&b=2` and `?b=2&a=1` share one cache entry. */
export function normalizeQuery(search: string): string {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  params.sort();
  return params.toString();
}
