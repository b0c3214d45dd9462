import { EntityManager, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import type { RelationMetadata } from 'typeorm/metadata/RelationMetadata';
import { propertyColumn } from './list-filter';
import { IncludableRelation, ResourceDefinition } from './resource';
import { applyScope, ScopeCondition, scopeCondition, scopeWhere } from './row-scope';

/**
 * At most this many rows of a to-many relation (OneToMany, ManyToMany) are embedded in each row, the
 * first by the related rows' id; the rest are read from the related list, filtered by the key
 * (`GET /comments?filter[taskId][eq]=<id>`, `GET /tags?filter[id][in]=…` from `tagIds`).
 */
export const MAX_EMBEDDED_ROWS = 20;

type Key = string | number;
type Row = ObjectLiteral;

/**
 * Embeds each included relation in every row with one batched query per relation, whatever the
 * number of rows: `WHERE id IN (…)` for a many-to-one, `WHERE fk IN (…)` for the other side of a
 * one-to-one, and for to-many relations one query that ranks the related rows of all the page's rows
 * at once and keeps MAX_EMBEDDED_ROWS of each. Rows are read through `manager`, the one the page was
 * read with, so soft-deleted related rows stay hidden as they are from their own list.
 */
export async function embedRelations(
  manager: EntityManager,
  metadata: EntityMetadata,
  rows: Row[],
  include: readonly IncludableRelation[],
): Promise<void> {
  if (rows.length === 0) return;
  for (const included of include) {
    const relation = metadata.findRelationWithPropertyPath(included.name);
    if (relation === undefined)
      throw new Error(`The resource definition names relation ${included.name}, which is missing`);
    // Only rows the caller may read of the target are embedded; one of another tenant reads as absent.
    const scope = scopeCondition(included.target());
    const related =
      relation.isManyToOne || relation.isOneToOneOwner
        ? await embedReferenced(manager, relation, rows, scope)
        : relation.isOneToOneNotOwner
          ? await embedReferencing(manager, relation, rows, scope)
          : await embedMany(manager, relation, rows, scope);
    // Embedded rows have the shape their own reads have, id sets included (one more query for all).
    await attachRelationIds(manager, relation.inverseEntityMetadata, included.target(), related);
  }
}

/**
 * Sets each owned many-to-many id set (`tagIds`) of every row with one query per set, read from the
 * join table in id order: what a client wrote is what it reads back.
 */
export async function attachRelationIds(
  manager: EntityManager,
  metadata: EntityMetadata,
  resource: ResourceDefinition,
  rows: Row[],
): Promise<void> {
  if (rows.length === 0) return;
  for (const { idsProperty, relation: name } of resource.relationIds) {
    const relation = metadata.findRelationWithPropertyPath(name)!;
    const link = junction(relation);
    const pairs = (await manager.query(
      `SELECT ${link.owner} AS owner_key, ${link.child} AS child_key FROM ${link.table} link ` +
        `WHERE ${link.owner} = ANY($1) ORDER BY ${link.child}`,
      [rowKeys(rows)],
    )) as { owner_key: Key; child_key: Key }[];
    const groups = groupBy(pairs, (pair) => pair.owner_key);
    for (const row of rows) {
      row[idsProperty] = (groups.get(String(row.id)) ?? []).map((pair) => pair.child_key);
    }
  }
}

/**
 * `EXISTS (SELECT 1 FROM <join table> WHERE <owner key> = <owner>[ AND <compare(related key)>])`, or
 * NOT EXISTS: a condition on a row's many-to-many id set, whose join table stays out of the page query.
 */
export function idsCondition<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  alias: string,
  relationName: string,
  owner: string,
  exists: boolean,
  compare?: (related: string) => string,
): string {
  const relation = query.expressionMap.findAliasByName(alias).metadata.findRelationWithPropertyPath(relationName)!;
  const link = junction(relation);
  const condition = compare === undefined ? '' : ` AND ${compare(link.child)}`;
  return `${exists ? '' : 'NOT '}EXISTS (SELECT 1 FROM ${link.table} link WHERE ${link.owner} = ${owner}${condition})`;
}

/** ManyToOne and owning OneToOne: the rows the page's foreign keys name, by `id IN (…)`. */
async function embedReferenced(
  manager: EntityManager,
  relation: RelationMetadata,
  rows: Row[],
  scope: ScopeCondition | undefined,
): Promise<Row[]> {
  const joinColumn = relation.joinColumns[0];
  const referenced = joinColumn.referencedColumn!;
  const keys = unique(rows.map((row) => joinColumn.getEntityValue(row) as Key | null | undefined));
  const related =
    keys.length === 0
      ? []
      : await manager
          .getRepository(relation.inverseEntityMetadata.target)
          .findBy({ [referenced.propertyName]: In(keys), ...scopeWhere(scope) });
  const byKey = new Map(related.map((target) => [String(referenced.getEntityValue(target)), target]));
  for (const row of rows) {
    const key = joinColumn.getEntityValue(row) as Key | null | undefined;
    row[relation.propertyName] = key === null || key === undefined ? null : (byKey.get(String(key)) ?? null);
  }
  return related;
}

/** The other side of a OneToOne: the row whose foreign key names each row, by `fk IN (…)`. */
async function embedReferencing(
  manager: EntityManager,
  relation: RelationMetadata,
  rows: Row[],
  scope: ScopeCondition | undefined,
): Promise<Row[]> {
  const foreignKey = relation.inverseRelation!.joinColumns[0];
  const query = relatedQuery(manager, relation.inverseEntityMetadata).where(
    `${column('child', foreignKey)} IN (:...owners)`,
    { owners: rowKeys(rows) },
  );
  applyScope(query, 'child', scope, (property) => propertyColumn(query, 'child', property));
  const related = await query.getMany();
  const byOwner = new Map(related.map((target) => [String(foreignKey.getEntityValue(target)), target]));
  for (const row of rows) row[relation.propertyName] = byOwner.get(String(row.id)) ?? null;
  return related;
}

/**
 * OneToMany and ManyToMany in one query: a window function numbers the related rows of each of the
 * page's rows (from the child table, or the join table joined to the targets), and the targets
 * ranked within MAX_EMBEDDED_ROWS are read as entities alongside the row they belong to.
 */
async function embedMany(
  manager: EntityManager,
  relation: RelationMetadata,
  rows: Row[],
  scope: ScopeCondition | undefined,
): Promise<Row[]> {
  const target = relation.inverseEntityMetadata;
  const key = target.primaryColumns[0];
  const { from, owner, child } = relation.isManyToMany
    ? linkThroughJunction(relation)
    : linkThroughForeignKey(relation);
  const live = target.deleteDateColumn ? ` AND ${column('target', target.deleteDateColumn)} IS NULL` : '';
  const scoped =
    scope === undefined
      ? ''
      : ` AND ${column('target', target.findColumnWithPropertyPath(scope.property)!)} = :embedScope`;
  const ranked =
    `(SELECT ranked.owner_key, ranked.child_key FROM (` +
    `SELECT ${owner} AS owner_key, ${child} AS child_key, ` +
    `row_number() OVER (PARTITION BY ${owner} ORDER BY ${child}) AS position ` +
    `FROM ${from} WHERE ${owner} IN (:...owners)${live}${scoped}) ranked WHERE ranked.position <= :embeddedRows)`;
  const query = relatedQuery(manager, target)
    .innerJoin(ranked, 'link', `"link"."child_key" = ${column('child', key)}`)
    .addSelect('"link"."owner_key"', 'include_owner')
    .addSelect('"link"."child_key"', 'include_child')
    .setParameters({ owners: rowKeys(rows), embeddedRows: MAX_EMBEDDED_ROWS, embedScope: scope?.value })
    .orderBy(`child.${key.propertyName}`);
  const { entities, raw } = await query.getRawAndEntities<Record<string, Key>>();
  const byKey = new Map(entities.map((entity) => [String(key.getEntityValue(entity)), entity]));
  const groups = groupBy(raw, (pair) => pair.include_owner);
  for (const row of rows) {
    row[relation.propertyName] = (groups.get(String(row.id)) ?? []).flatMap(
      (pair) => byKey.get(String(pair.include_child)) ?? [],
    );
  }
  return entities;
}

interface Link {
  /** The table (or join) the ranking reads, aliased so `target` names the related table. */
  readonly from: string;
  /** The column holding the key of the page's row. */
  readonly owner: string;
  /** The column holding the related row's key. */
  readonly child: string;
}

function linkThroughForeignKey(relation: RelationMetadata): Link {
  const target = relation.inverseEntityMetadata;
  const foreignKey = relation.inverseRelation!.joinColumns[0];
  return {
    from: `${table(target)} target`,
    owner: column('target', foreignKey),
    child: column('target', target.primaryColumns[0]),
  };
}

/** A many-to-many from either side: the join table, joined to the targets to leave soft-deleted ones out. */
function linkThroughJunction(relation: RelationMetadata): Link {
  const target = relation.inverseEntityMetadata;
  const link = junction(relation);
  return {
    from: `${link.table} link JOIN ${table(target)} target ON ${column('target', target.primaryColumns[0])} = ${link.child}`,
    owner: link.owner,
    child: link.child,
  };
}

/** The join table of a many-to-many and its two columns, seen from `relation`'s side, aliased `link`. */
function junction(relation: RelationMetadata): { table: string; owner: string; child: string } {
  const owning = relation.isOwning ? relation : relation.inverseRelation!;
  const ownerColumn = relation.isOwning ? owning.joinColumns[0] : owning.inverseJoinColumns[0];
  const childColumn = relation.isOwning ? owning.inverseJoinColumns[0] : owning.joinColumns[0];
  return {
    table: table(owning.junctionEntityMetadata!),
    owner: column('link', ownerColumn),
    child: column('link', childColumn),
  };
}

/** A query of the related entity, aliased `child`; it leaves soft-deleted rows out as every read does. */
function relatedQuery(manager: EntityManager, target: EntityMetadata): SelectQueryBuilder<ObjectLiteral> {
  return manager.getRepository<ObjectLiteral>(target.target).createQueryBuilder('child');
}

/** Names from the entity metadata, quoted: never from the request. */
function table(metadata: EntityMetadata): string {
  return metadata.tablePath
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

function column(alias: string, metadata: ColumnMetadata): string {
  return `"${alias}"."${metadata.databaseName}"`;
}

function rowKeys(rows: readonly Row[]): Key[] {
  return unique(rows.map((row) => row.id as Key));
}

function unique(keys: readonly (Key | null | undefined)[]): Key[] {
  return [...new Set(keys.filter((key): key is Key => key !== null && key !== undefined))];
}

function groupBy<T>(items: readonly T[], key: (item: T) => Key): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(String(key(item)));
    if (group) group.push(item);
    else groups.set(String(key(item)), [item]);
  }
  return groups;
}
