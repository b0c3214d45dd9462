import { ResourceDefinition } from '../crud/resource';

/** Every key the platform writes starts with this, then the service's namespace. */
const KEY_ROOT = 'apso';

type Named = Pick<ResourceDefinition, 'name'>;

/**
 * The one place cache keys are built. Every key starts with `apso:<namespace>:`, so services that
 * share a Redis never read each other's entries, and one service's keys can be inspected or flushed
 * as a group. The part in braces is a Redis Cluster hash tag: all of a resource's keys share a slot,
 * so an entry and the versions it must match are read with one MGET.
 */
export class CacheKeys {
  /** `apso:<namespace>:`; the namespace is validated by the config to exclude braces and colons. */
  readonly prefix: string;

  constructor(namespace: string) {
    this.prefix = `${KEY_ROOT}:${namespace}:`;
  }

  /**
   * A single row as GET /<resource>/:id returns it, with the versions it was read under; a normalized
   * query (`fields=id&include=project`) and each tenant of a scoped resource make entries of their own.
   */
  item(resource: Named, id: string | number, normalizedQuery = '', scope = ''): string {
    const query = normalizedQuery === '' ? '' : `?${normalizedQuery}`;
    return `${this.prefix}{${resource.name}}:item:${canonicalId(id)}${scopePart(scope)}${query}`;
  }

  /** The row's current version; every write of the row replaces it. */
  itemVersion(resource: Named, id: string | number): string {
    return `${this.prefix}{${resource.name}}:version:${canonicalId(id)}`;
  }

  /**
   * The version of all the resource's rows together, which item entries must match as well as their
   * own: a delete elsewhere that cascades into this resource replaces it (ResourceDefinition.deleteAlsoChanges).
   */
  rowsVersion(resource: Named): string {
    return `${this.prefix}{${resource.name}}:rows-version`;
  }

  /** One page of a list for one normalized query string, with the list version it was read under. */
  list(resource: Named, normalizedQuery: string, scope = ''): string {
    return `${this.prefix}{${resource.name}}:list:${scopePart(scope)}${normalizedQuery}`;
  }

  /**
   * The short lock one instance takes while it reads an entry's answer from the database, so that
   * the others wait for the entry instead of reading too (ApsoCacheInterceptor). Same hash tag.
   */
  lock(resource: Named, entry: string): string {
    const resourcePrefix = `${this.prefix}{${resource.name}}:`;
    return `${resourcePrefix}lock:${entry.slice(resourcePrefix.length)}`;
  }

  /**
   * The version of the other resources' rows that this resource's answers embed (`include`): every
   * write to a resource replaces it in each resource that may embed it (ResourceDefinition.embeddedIn).
   * Kept under this resource's hash tag, so an entry and all it must match are still one MGET.
   */
  embedsVersion(resource: Named): string {
    return `${this.prefix}{${resource.name}}:embeds-version`;
  }

  /** The resource's current list version; every write to the resource replaces it. */
  listVersion(resource: Named): string {
    return `${this.prefix}{${resource.name}}:list-version`;
  }
}

const INTEGER = /^-?\d+$/;

/**
 * The caller's tenant or owner in an entry's key (row-scope.ts scopeKey): `@` cannot start a
 * normalized query (URLSearchParams writes it `%40`) nor appear in an id, so no key of one scope
 * can spell another's.
 */
function scopePart(scope: string): string {
  return scope === '' ? '' : `@${scope}@`;
}

/**
 * The id as the route's pipe parses it, so every spelling of one row shares one entry and the
 * write that invalidates it: ParseIntPipe reads `01` as 1, and a uuid names the same row in any
 * case. The cache sees the raw URL text (interceptors run before pipes), writes see the parsed id.
 * Ids of both kinds are told apart by their shape; text that neither pipe accepts is answered with
 * a 400, which is never cached.
 */
export function canonicalId(id: string | number): string {
  if (typeof id === 'number') return String(id);
  return INTEGER.test(id) ? String(parseInt(id, 10)) : id.toLowerCase();
}

/**
 * Sorts parameters by their root name (before any `[`) so `?a=1&b=2` and `?b=2&a=1` share one cache
 * entry. The sort is stable, so pairs of one root keep their order: the query-string parser merges
 * those in order (`filter[x]=1&filter=2` is not `filter=2&filter[x]=1`), pairs of different roots
 * never interact, and so two query strings that normalize alike always mean the same.
 */
export function normalizeQuery(search: string): string {
  const pairs = [...new URLSearchParams(search.startsWith('?') ? search.slice(1) : search)];
  pairs.sort(([a], [b]) => compareCodeUnits(rootName(a), rootName(b)));
  return new URLSearchParams(pairs).toString();
}

/** Whether a query string asks for embedded rows of other resources (`include=…`). */
export function queryEmbeds(search: string): boolean {
  const names = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search).keys();
  return [...names].some((name) => rootName(name) === 'include');
}

function rootName(key: string): string {
  const bracket = key.indexOf('[');
  return bracket < 0 ? key : key.slice(0, bracket);
}

/** The order URLSearchParams.sort() uses, so existing entries keep their keys. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
