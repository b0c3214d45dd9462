import type { EntityModel, Model } from './types';

/** Foreign-key actions by which PostgreSQL rewrites or removes rows that reference a deleted row. */
const CHANGING_ACTIONS = new Set(['CASCADE', 'SET NULL', 'SET DEFAULT']);

/**
 * The entities whose rows PostgreSQL changes when a row of `entity` is deleted, in
 * model order: ON DELETE CASCADE removes referencing rows (and, transitively, the rows referencing
 * those), SET NULL and SET DEFAULT rewrite their foreign key, and a many-to-many join row vanishes
 * from its owner's set of ids. The runtime cannot tell which of their rows changed, so it invalidates
 * these resources' cached answers as a whole; a self-reference lists the entity itself. Deleting
 * from a soft-delete entity is an UPDATE, on which no foreign key acts.
 */
export function entitiesChangedByDelete(model: Model, entity: EntityModel): EntityModel[] {
  if (entity.softDelete) return [];
  const changed = new Set<EntityModel>();
  const deleted = [entity];
  const visited = new Set<EntityModel>();
  while (deleted.length > 0) {
    const parent = deleted.pop()!;
    if (visited.has(parent)) continue;
    visited.add(parent);
    for (const child of model.entities) {
      for (const relation of child.relations) {
        if (relation.target !== parent.names.className || !relation.owner) continue;
        if (relation.joinTable) changed.add(child);
        if (!relation.joinColumn || !CHANGING_ACTIONS.has(relation.onDelete)) continue;
        changed.add(child);
        if (relation.onDelete === 'CASCADE') deleted.push(child);
      }
    }
  }
  return model.entities.filter((candidate) => changed.has(candidate));
}
