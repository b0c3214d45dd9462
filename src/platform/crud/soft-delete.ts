import { HttpException, NotFoundException } from '@nestjs/common';
import { In, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import type { RelationMetadata } from 'typeorm/metadata/RelationMetadata';
import { errorBody } from '../http/error-body';
import { ResourceDefinition } from './resource';

/** The ids a write sets on one relation, and the input property the client set them with. */
interface Reference {
  readonly property: string;
  readonly ids: readonly unknown[];
}

/**
 * A soft-deleted row is gone for the API (GET answers 404), but rows referencing it keep their
 * reference, so a restore brings the whole picture back. A write that would make a new reference to
 * one is therefore refused exactly as a reference to a missing row is (409 missing-reference naming
 * the property). A reference the write leaves as it was (`current` holds the row before an update)
 * is not new and passes. The referenced rows are locked FOR SHARE to commit, so a concurrent soft
 * delete (an UPDATE, which waits for the lock) cannot slip between this check and the write.
 */
export async function refuseSoftDeletedReferences<E extends ObjectLiteral>(
  repository: Repository<E>,
  resource: ResourceDefinition,
  changes: Readonly<Record<string, unknown>>,
  current?: object,
): Promise<void> {
  for (const relation of repository.metadata.relations) {
    const target = relation.inverseEntityMetadata;
    const deletedAt = target.deleteDateColumn?.propertyName;
    if (deletedAt === undefined) continue;
    const reference = referenceOf(relation, resource, changes, current);
    if (reference === undefined || reference.ids.length === 0) continue;
    const rows = await repository.manager.getRepository(target.target).find({
      where: { id: In([...reference.ids]) },
      withDeleted: true,
      lock: { mode: 'pessimistic_read' },
    });
    if (rows.some((row) => row[deletedAt] !== null)) {
      const problem = `refers to a missing ${target.targetName}`;
      const body = errorBody(
        409,
        `${reference.property} ${problem}`,
        [{ field: reference.property, errors: [problem] }],
        'missing-reference',
      );
      throw new HttpException(body, 409);
    }
  }
}

/**
 * What the write sets on an owning relation: the foreign-key property (`assigneeId`) of a many-to-one
 * or one-to-one, or the id list (`tagIds`, written as `tags: [{ id }]`) of a many-to-many.
 */
function referenceOf(
  relation: RelationMetadata,
  resource: ResourceDefinition,
  changes: Readonly<Record<string, unknown>>,
  current: object | undefined,
): Reference | undefined {
  if (relation.isManyToMany && relation.isOwning) {
    const set = changes[relation.propertyName] as readonly { id: unknown }[] | undefined;
    if (set === undefined) return undefined;
    const ids = resource.relationIds.find((r) => r.relation === relation.propertyName)?.idsProperty;
    return { property: ids ?? relation.propertyName, ids: set.map((item) => item.id) };
  }
  if (!(relation.isManyToOne || relation.isOneToOneOwner)) return undefined;
  // The property clients write the key with (`assigneeId`); without one, the relation (`{ id }`).
  const property = relation.joinColumns[0].propertyName;
  const written = changes[property];
  const value = typeof written === 'object' && written !== null ? (written as { id?: unknown }).id : written;
  if (value === undefined || value === null) return undefined;
  if (current !== undefined && String((current as Record<string, unknown>)[property]) === String(value))
    return undefined;
  return { property, ids: [value] };
}

/**
 * Narrows a list query to the soft-deleted rows. Called after the filter joined its relations, which
 * then still leave out soft-deleted targets (TypeORM adds that to a join's condition when it is made),
 * as they do in the list of live rows.
 */
export function onlyDeleted<E extends ObjectLiteral>(rows: SelectQueryBuilder<E>, alias: string): void {
  const column = rows.expressionMap.mainAlias!.metadata.deleteDateColumn;
  if (column === undefined) throw new Error(`${alias} has no delete date column to list deleted rows by`);
  rows.withDeleted().andWhere(`${rows.escape(alias)}.${rows.escape(column.databaseName)} IS NOT NULL`);
}

/**
 * Clears the delete mark of a soft-deleted row, inside the caller's transaction. The row is locked
 * first, so two restores (or a restore and a delete) of one row run one after the other. A row that
 * does not exist or is not deleted is a 404: there is no deleted row to restore. A unique value
 * another live row took meanwhile makes the database refuse (partial unique indexes cover live rows
 * only), which the caller answers as 409 already-exists.
 */
export async function restoreDeleted<E extends ObjectLiteral>(repository: Repository<E>, id: string | number) {
  const deletedAt = repository.metadata.deleteDateColumn?.propertyName;
  const entity = repository.metadata.targetName;
  if (deletedAt === undefined) throw new Error(`${entity} is not soft-deleted`);
  const row = await repository.findOne({
    where: { id } as never,
    withDeleted: true,
    lock: { mode: 'pessimistic_write' },
  });
  if (row === null || row[deletedAt] === null) throw new NotFoundException(`No deleted ${entity} ${id}`);
  await repository.restore({ id } as never);
}
