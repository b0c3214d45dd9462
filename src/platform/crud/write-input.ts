import { ResourceDefinition } from './resource';

export type WriteMode = 'create' | 'update' | 'replace';

/** Never written from a request body: the key, and the lock token (TypeORM bumps the version itself). */
const PROTECTED_PROPERTIES = new Set(['id', 'version']);

/**
 * The entity properties a request body asks to write:
 * - `tagIds: [a, b]` becomes `tags: [{ id: a }, { id: b }]`;
 * - PATCH (update) writes only what is present;
 * - PUT (replace) is a full replacement: the body must carry every required property (the DTO checks),
 *   nullable properties left out become null and to-many relations left out become empty. Properties
 *   with a database default may be left out and keep their current value.
 */
export function entityChanges(resource: ResourceDefinition, input: object, mode: WriteMode): Record<string, unknown> {
  const body = input as Record<string, unknown>;
  const idsProperties = new Map(resource.relationIds.map((r) => [r.idsProperty, r.relation]));
  const changes: Record<string, unknown> = {};
  for (const [property, value] of Object.entries(body)) {
    if (value === undefined || PROTECTED_PROPERTIES.has(property)) continue;
    const relation = idsProperties.get(property);
    if (relation === undefined) changes[property] = value;
    else changes[relation] = (value as Array<string | number>).map((id) => ({ id }));
  }
  if (mode === 'replace') {
    for (const property of resource.nullableFields) {
      if (body[property] === undefined) changes[property] = null;
    }
    for (const { idsProperty, relation } of resource.relationIds) {
      if (body[idsProperty] === undefined) changes[relation] = [];
    }
  }
  return changes;
}
