import { HttpException } from '@nestjs/common';
import { In, ObjectLiteral, Repository } from 'typeorm';
import type { RelationMetadata } from 'typeorm/metadata/RelationMetadata';
import { errorBody } from '../http/error-body';
import { ResourceDefinition } from './resource';
import { inScope, relatedScope } from './row-scope';

/** The ids a write sets on one relation, and the input property the client set them with. */
interface Reference {
  readonly property: string;
  readonly ids: readonly unknown[];
}

/**
 * A write may only make references the caller could read: a row of another tenant (its resource is
 * scoped, row-scope.ts) or a soft-deleted one is refused exactly as a missing row is (409
 * missing-reference naming the property), so a write cannot attach to, nor probe for, a row a GET
 * answers 404 for. A soft-deleted row keeps the references it has, so a restore brings the whole
 * picture back; a reference the write leaves as it was (`current` holds the row before an update) is
 * not new and passes. The referenced rows are locked FOR SHARE to commit, so a concurrent soft delete
 * (an UPDATE, which waits for the lock) cannot slip between this check and the write.
 */
export async function refuseUnreachableReferences<E extends ObjectLiteral>(
  repository: Repository<E>,
  resource: ResourceDefinition,
  changes: Readonly<Record<string, unknown>>,
  current?: object,
): Promise<void> {
  for (const relation of repository.metadata.relations) {
    const reference = referenceOf(relation, resource, changes, current);
    if (reference === undefined || reference.ids.length === 0) continue;
    const target = relation.inverseEntityMetadata;
    const deletedAt = target.deleteDateColumn?.propertyName;
    // Only a relation the write sets asks for its target's scope: a caller without that claim may still write here.
    const scope = relatedScope(resource, relation.propertyName);
    if (deletedAt === undefined && scope === undefined) continue;
    const rows = await repository.manager.getRepository(target.target).find({
      where: { id: In([...reference.ids]) },
      withDeleted: true,
      lock: { mode: 'pessimistic_read' },
    });
    const unreachable = (row: ObjectLiteral) =>
      (deletedAt !== undefined && row[deletedAt] !== null) || !inScope(row, scope);
    if (rows.some(unreachable)) {
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
