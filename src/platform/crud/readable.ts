import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { getMetadataArgsStorage } from 'typeorm';
import { ResourceDefinition } from './resource';

/*
 * Write-only and hidden fields (schema `writeOnly`, `hidden`) are kept out of answers three times:
 * 1. their columns are `select: false`, so no read loads them unless it names them (addSelect);
 * 2. EntityService answers through readableRow(), a projection onto the resource's `readable`
 *    whitelist, embedded rows onto their own resource's: what the cache stores and what the ETag
 *    hashes is that projection, so neither can hold a value a later answer would not;
 * 3. StripUnreadableColumns, a global interceptor, removes the select: false columns of any entity
 *    instance left in a response body, so a hand-written route that loads one with addSelect (to
 *    check a password, say) and returns the entity still does not answer it.
 * The first two cover the generated routes on their own; the third is for routes apso did not write,
 * which answer entity instances rather than resources.
 */

type Row = Record<string, unknown>;

const whitelists = new WeakMap<ResourceDefinition, ReadonlySet<string>>();

/** The properties an answer of `resource` may carry: the readable ones and the relations `include` embeds. */
function answerable(resource: ResourceDefinition): ReadonlySet<string> {
  let allowed = whitelists.get(resource);
  if (allowed === undefined) {
    const embeddable = resource.relations.filter((relation) => relation.includable);
    allowed = new Set([...resource.readable, ...embeddable.map((relation) => relation.name)]);
    whitelists.set(resource, allowed);
  }
  return allowed;
}

/**
 * The row as an answer carries it: its readable properties in the row's own order (so the JSON, and
 * the ETag computed from it, is the same however the row was loaded), and each embedded relation
 * projected onto its target's resource. A plain object: nothing the entity holds besides rides along.
 */
export function readableRow(resource: ResourceDefinition, row: object): Row {
  const allowed = answerable(resource);
  const relations = new Map(resource.relations.map((relation) => [relation.name, relation]));
  const projected: Row = {};
  for (const [property, value] of Object.entries(row)) {
    if (!allowed.has(property)) continue;
    const relation = relations.get(property);
    projected[property] =
      relation === undefined || value === null || value === undefined
        ? value
        : Array.isArray(value)
          ? value.map((related: object) => readableRow(relation.target(), related))
          : readableRow(relation.target(), value as object);
  }
  return projected;
}

let unreadableByClass: ReadonlyMap<Function, ReadonlySet<string>> | undefined;

/**
 * Every entity class → its select: false properties (often none), from TypeORM's decorator registry:
 * every entity the app loaded has registered its columns by the time the first answer is sent.
 */
function unreadableColumns(): ReadonlyMap<Function, ReadonlySet<string>> {
  if (unreadableByClass === undefined) {
    const storage = getMetadataArgsStorage();
    const byClass = new Map<Function, Set<string>>();
    for (const table of storage.tables) if (typeof table.target === 'function') byClass.set(table.target, new Set());
    for (const column of storage.columns) {
      if (column.options.select === false && typeof column.target === 'function')
        byClass.get(column.target)?.add(column.propertyName);
    }
    unreadableByClass = byClass;
  }
  return unreadableByClass;
}

/** Deeper than any answer nests (a page, its rows, their embedded rows); a cyclic graph stops here. */
const MAX_DEPTH = 16;

/**
 * `body` with the select: false properties of every entity instance in it removed; arrays, plain
 * objects and entity instances (whose relations may hold others) are walked, other values (dates,
 * buffers) kept as they are. Copies what it walks, so user code's entity instances are never changed.
 */
export function withoutUnreadableColumns(body: unknown, depth = 0): unknown {
  if (body === null || typeof body !== 'object' || depth > MAX_DEPTH) return body;
  if (Array.isArray(body)) return body.map((item) => withoutUnreadableColumns(item, depth + 1));
  const prototype = Object.getPrototypeOf(body) as object | null;
  const unreadable = prototype === null ? undefined : unreadableColumns().get(prototype.constructor);
  if (unreadable === undefined && prototype !== Object.prototype && prototype !== null) return body;
  const copy: Row = {};
  for (const [property, value] of Object.entries(body)) {
    if (!unreadable?.has(property)) copy[property] = withoutUnreadableColumns(value, depth + 1);
  }
  return copy;
}

/**
 * Global, registered inside EntityTagInterceptor so the ETag is that of the stripped body. On the
 * generated routes it finds nothing to strip (EntityService answered projections already).
 */
@Injectable()
export class StripUnreadableColumns implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((body: unknown) => withoutUnreadableColumns(body)));
  }
}
