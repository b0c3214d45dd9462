import type { EntityEventType } from '../events/entity-event';
import type { RowScope } from './row-scope';

/** Maps an `xxxIds: string[]` input property onto a to-many relation (`tagIds` -> `tags`). */
export interface RelationIds {
  readonly idsProperty: string;
  readonly relation: string;
}

/** The kinds of relation `include` can embed. */
export type IncludeKind = 'ManyToOne' | 'OneToOne' | 'OneToMany' | 'ManyToMany';

/**
 * A relation a read may embed (`include=project`). Its key columns come from the entity's TypeORM
 * metadata at run time; `target` is lazy so resource files that name each other load in any order.
 */
export interface IncludableRelation {
  readonly name: string;
  readonly kind: IncludeKind;
  readonly target: () => ResourceDefinition;
  /**
   * Whether reads may embed the target's rows (`include=`) or filter through them (`filter[project.name]`):
   * false when the target's access rules are stricter than this resource's reads, so an include cannot
   * hand a caller rows the target's own routes refuse it. Scoping (row-scope.ts) applies either way.
   */
  readonly includable: boolean;
}

/** Read-through cache settings of a resource; null disables caching for it. */
export interface ResourceCache {
  readonly itemTtlSeconds: number;
  readonly listTtlSeconds: number;
}

/** The types a list filter compares by: the schema's field types, less those without a useful order or equality. */
export type FilterType =
  | 'string'
  | 'email'
  | 'text'
  | 'integer'
  | 'smallint'
  | 'bigint'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'uuid'
  | 'enum';

/** A property a list may be filtered by; its type decides which values and operators are accepted. */
export interface FilterableField {
  readonly type: FilterType;
  /** The accepted values of an enum. */
  readonly values?: readonly string[];
}

/** What the generic CRUD service, the cache and the error messages need to know about one entity. */
export interface ResourceDefinition {
  /** Plural resource name, also its route and table name, e.g. `tasks`. */
  readonly name: string;
  /** Entity properties a list may be sorted by (`sort=title` or `sort=-title`). */
  readonly sortable: readonly string[];
  /**
   * The resource's own properties a list may be filtered by (`filter[status][eq]=done`), many-to-many
   * id sets (`tagIds`) included. filterableFields() adds those of many-to-one relations.
   */
  readonly filterable: Readonly<Record<string, FilterableField>>;
  /** Properties that PUT sets to null when the body leaves them out. */
  readonly nullableFields: readonly string[];
  readonly relationIds: readonly RelationIds[];
  /** Properties a read answers with, in the order it does; `fields=` may name any of them. */
  readonly readable: readonly string[];
  /** Relations `include=` may embed, one level deep. */
  readonly relations: readonly IncludableRelation[];
  /**
   * Cached resources whose answers may embed this resource's rows (`include` of a relation to it);
   * every write here moves their embeds version (EntityCache).
   */
  readonly embeddedIn: readonly string[];
  /**
   * Cached resources whose rows the database changes when a row of this one is deleted (foreign keys
   * with ON DELETE CASCADE or SET NULL, transitively, and many-to-many join rows); their cached
   * answers are invalidated as a whole, since which of their rows changed is not known.
   */
  readonly deleteAlsoChanges: readonly string[];
  /**
   * Cached resources whose lists filter over this one's properties through a many-to-one relation
   * (`filter[assignee.displayName]` on tasks): every write of a row here, a soft delete and a restore
   * included, may change which of their rows such a filter selects, so their list answers stop counting.
   */
  readonly filteredFrom: readonly string[];
  /** Cached resources whose answers may embed rows of this one or of those in deleteAlsoChanges. */
  readonly deleteAlsoChangesEmbeddedIn: readonly string[];
  /** Delete sets the @DeleteDateColumn instead of removing the row. */
  readonly softDelete: boolean;
  /** The entity has a @VersionColumn named `version`; writes may send it for optimistic locking. */
  readonly versioned: boolean;
  readonly cache: ResourceCache | null;
  /** Row scoping: every query and write is confined to the caller's rows (row-scope.ts); null when not scoped. */
  readonly scope: RowScope | null;
  /** The events its writes publish (the schema's `events`), recorded in their transaction; absent: none. */
  readonly events?: readonly EntityEventType[];
}

/** One page of a list. */
export interface Page<E> {
  data: E[];
  limit: number;
  /** Where the page starts, when it was asked for by offset (not by cursor). */
  offset?: number;
  /** Continues after this page's last row (`?cursor=`); null on the last page. */
  nextCursor: string | null;
  /** The number of rows meeting the filter, when `count` asked for it. */
  total?: number;
  /** Whether total was counted or is the planner's estimate. */
  totalKind?: 'exact' | 'estimated';
}

const wholeWhitelists = new WeakMap<ResourceDefinition, ReadonlyMap<string, FilterableField>>();

/**
 * Every property a list of `resource` may be filtered by: its own, then the columns of each many-to-one
 * target as `relation.property` (`project.name`), one level deep. Built from the targets' definitions
 * on first use (their `target()` references are lazy, so it must not run while resource files load),
 * then kept.
 */
export function filterableFields(resource: ResourceDefinition): ReadonlyMap<string, FilterableField> {
  let fields = wholeWhitelists.get(resource);
  if (fields === undefined) {
    const entries = Object.entries(resource.filterable);
    for (const relation of resource.relations.filter(
      (candidate) => candidate.kind === 'ManyToOne' && candidate.includable,
    )) {
      const target = relation.target();
      const idSets = new Set(target.relationIds.map((ids) => ids.idsProperty));
      for (const [property, field] of Object.entries(target.filterable))
        if (!idSets.has(property)) entries.push([`${relation.name}.${property}`, field]);
    }
    fields = new Map(entries);
    wholeWhitelists.set(resource, fields);
  }
  return fields;
}
