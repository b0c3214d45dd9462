/** Foreign keys: scalar key fields merged into their relation, whether each key may be null, and required cycles. */
import { edgeCycles } from '../../model/cycles';
import { camelCase } from '../../model/naming';
import { foreignKeyColumn, foreignKeyProperty } from '../../model/relations';
import { type Diagnostics, ptr, q } from './diagnostics';
import type { Edge, EntityDraft } from './drafts';
import { fkSlot, otherEnd } from './edges';
import { INTEGER_TYPES } from './types';

/**
 * A scalar foreign-key field next to a relation that creates the same column
 * (`customer_id` next to the relation `customer`) merges into the relation.
 */
export function mergeForeignKeyFields(entities: EntityDraft[], d: Diagnostics): void {
  for (const entity of entities) {
    for (const slot of entity.slots.filter((s) => s.holdsFk)) {
      // By the camelCase name, so that `customer_id` matches whether names are kept as written or not.
      const named = (property: string) =>
        entity.fields.find((f) => !f.mergedInto && camelCase(f.spec.name) === property);
      const field =
        named(foreignKeyProperty(slot.name)) ?? (slot.refRenamed ? named(foreignKeyProperty(slot.base)) : undefined);
      if (!field) continue;
      field.mergedInto = slot;
      const target = otherEnd(slot);
      const typeNote =
        field.spec.type === target.primaryKey || (INTEGER_TYPES.has(field.spec.type) && target.primaryKey === 'integer')
          ? ''
          : `; its type ${field.spec.type} becomes ${target.name}'s key type ${target.primaryKey}`;
      d.warn(
        field.pointer,
        `field ${q(field.rawName)} is the foreign key of the relation ${q(slot.name)} to ${target.name}, so it is merged into that relation (column ${foreignKeyColumn(slot.name)})${typeNote}`,
      );
    }
  }
}

export function resolveNullability(edge: Edge, d: Diagnostics): boolean | undefined {
  if (edge.type === 'ManyToMany') return undefined;
  const slot = fkSlot(edge);
  const merged = slot.entity.fields.find((f) => f.mergedInto === slot);
  const mergedNullable = merged ? merged.spec.nullable === true : undefined;
  let nullable = edge.nullable;
  if (nullable === undefined) nullable = mergedNullable;
  else if (mergedNullable !== undefined && mergedNullable !== nullable) {
    d.warn(
      edge.nullablePointer,
      `the relationship says nullable ${nullable} but field ${q(merged!.rawName)} says ${mergedNullable}; the relationship wins`,
    );
  }
  const selfReference = edge.declSlot.entity === edge.target;
  if (selfReference && nullable === false) {
    const at = edge.nullable === false ? edge.nullablePointer : ptr(merged!.pointer, 'nullable');
    d.warn(
      at,
      `a self-reference of ${edge.target.name} must be nullable (the first row has nothing to point to), so it is made nullable`,
    );
  }
  if (selfReference) return true;
  // APSO: ManyToOne keys are NOT NULL unless told otherwise; OneToOne join columns are nullable.
  return nullable ?? edge.type === 'OneToOne';
}

/** Required foreign keys that form a cycle make every insert impossible: the file must relax one. */
export function checkRequiredCycles(required: Edge[], d: Diagnostics): void {
  const label = (edge: Edge) => `${fkSlot(edge).entity.name}.${fkSlot(edge).name}`;
  for (const cycle of edgeCycles(
    required,
    (edge) => fkSlot(edge).entity,
    (edge) => otherEnd(fkSlot(edge)),
  )) {
    d.error(
      cycle[0].pointer,
      `required relations form a cycle (${cycle.map(label).join(' → ')}), so no row could ever be inserted; add "nullable": true to one of them`,
    );
  }
}
