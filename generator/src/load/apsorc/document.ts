/** The output: drafts and edges written as apso's EntitySpecs and RelationSpecs. */
import type { EntitySpec, FieldSpec, RelationSpec } from '../../schema/document';
import type { Edge, EntityDraft } from './drafts';
import { finishIndexes } from './indexes';

/** Each relation as a RelationSpec, on the entity that declares it. */
export function relationSpecs(
  edges: Edge[],
  nullability: Map<Edge, boolean | undefined>,
): Map<EntityDraft, RelationSpec[]> {
  const relationsOf = new Map<EntityDraft, RelationSpec[]>();
  for (const edge of edges) {
    const spec: RelationSpec = { name: edge.declSlot.name, type: edge.type, target: edge.target.name };
    if (edge.inverseSlot) spec.inverse = edge.inverseSlot.name;
    const nullable = nullability.get(edge);
    if (nullable !== undefined) spec.nullable = nullable;
    // APSO: cascadeDelete, and every OneToOne (its template always says onDelete CASCADE).
    if (edge.cascade || edge.type === 'OneToOne') spec.onDelete = 'CASCADE';
    if (edge.joinTable !== undefined && edge.type === 'ManyToMany') spec.joinTable = edge.joinTable;
    const list = relationsOf.get(edge.declSlot.entity) ?? [];
    list.push(spec);
    relationsOf.set(edge.declSlot.entity, list);
  }
  return relationsOf;
}

export function entitySpec(entity: EntityDraft, relationships: RelationSpec[]): EntitySpec {
  const indexes = finishIndexes(entity);
  const fields = entity.fields.filter((f) => !f.mergedInto).map((f) => orderField(f.spec));
  return {
    name: entity.name,
    ...(entity.table !== undefined ? { table: entity.table } : {}),
    ...(entity.path !== undefined ? { path: entity.path } : {}),
    ...(entity.description !== undefined ? { description: entity.description } : {}),
    primaryKey: entity.primaryKey,
    timestamps: entity.timestamps,
    ...(entity.softDelete ? { softDelete: true } : {}),
    ...(fields.length > 0 ? { fields } : {}),
    ...(relationships.length > 0 ? { relationships } : {}),
    ...(indexes.length > 0 ? { indexes } : {}),
  };
}

/** A stable key order for readable output. */
function orderField(f: FieldSpec): FieldSpec {
  const out: FieldSpec = { name: f.name, type: f.type };
  if (f.description !== undefined) out.description = f.description;
  if (f.nullable !== undefined) out.nullable = f.nullable;
  if (f.unique !== undefined) out.unique = f.unique;
  if (f.index !== undefined) out.index = f.index;
  if (f.default !== undefined) out.default = f.default;
  if (f.length !== undefined) out.length = f.length;
  if (f.precision !== undefined) out.precision = f.precision;
  if (f.scale !== undefined) out.scale = f.scale;
  if (f.values !== undefined) out.values = f.values;
  return out;
}
