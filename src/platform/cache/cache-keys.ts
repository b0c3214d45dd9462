import { ResourceDefinition } from '../crud/resource';

/**
 * The one place cache keys are built. Everything the platform stores in Redis starts with this
 * prefix, so it can share a Redis with other tenants and be inspected or flushed as a group.
 * The part in braces is a Redis Cluster hash tag: a version and the entries it guards share a slot,
 * so both are read with one MGET.
 */
export const CACHE_KEY_PREFIX = 'apso:';

type Named = Pick<ResourceDefinition, 'name'>;

/** A single row as GET /<resource>/:id returns it, with the row's version it was read under. */
export function itemKey(resource: Named, id: string | number): string {
  return `${CACHE_KEY_PREFIX}{${resource.name}:${id}}:item`;
}

/** The row's current version; every write of the row replaces it. */
export function itemVersionKey(resource: Named, id: string | number): string {
  return `${CACHE_KEY_PREFIX}{${resource.name}:${id}}:version`;
}

/** One page of a list for one normalized query string, with the list version it was read under. */
export function listKey(resource: Named, normalizedQuery: string): string {
  return `${CACHE_KEY_PREFIX}{${resource.name}}:list:${normalizedQuery}`;
}

/** The resource's current list version; every write to the resource replaces it. */
export function listVersionKey(resource: Named): string {
  return `${CACHE_KEY_PREFIX}{${resource.name}}:list-version`;
}

/** Sorts parameters (stable for repeated keys) so `?a=1&b=2` and `?b=2&a=1` share one cache entry. */
export function normalizeQuery(search: string): string {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  params.sort();
  return params.toString();
}
