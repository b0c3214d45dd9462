/** Relation property names: every slot gets a final name, unique on its entity. */
import { camelCase } from '../../model/naming';
import { foreignKeyColumn, foreignKeyProperty, idsProperty } from '../../model/relations';
import { type Diagnostics, q } from './diagnostics';
import type { EntityDraft, Slot } from './drafts';
import { otherEnd } from './edges';
import { BOOKKEEPING } from './fields';

/** Properties apso adds itself; no relation may take these names. */
const RESERVED = new Set(['id', 'version', ...BOOKKEEPING]);

/** The names taken on one entity, and the test a relation name must pass. */
interface Claims {
  /** The name, or a name derived from it, is a field's or one apso adds itself. */
  fieldClash(slot: Slot, name: string): boolean;
  /** The name, or a name derived from it, is already another relation's. */
  slotClash(slot: Slot, name: string): boolean;
  claim(slot: Slot, name: string): void;
}

/**
 * Gives every relation property a final, unique name: explicit `to_name`s first (a clash is
 * an error), then defaults in declaration order (`status` -> `statusRef` when a field has the
 * name, `customer` -> `customer2` when another relation has it). A relation also claims the
 * names apso derives from it: `customerId` for a foreign key, `tagIds` for an owning ManyToMany.
 */
export function nameSlots(entities: EntityDraft[], d: Diagnostics): void {
  for (const entity of entities) {
    const claims = claimsOf(entity);
    const clashed = nameExplicitSlots(entity, claims, d);
    // Defaults in declaration order; a clashing explicit name (already an error) still gets a unique one.
    for (const slot of entity.slots.filter((s) => !s.explicit || clashed.has(s)))
      nameDefaultSlot(entity, slot, clashed.has(slot), claims, d);
  }
}

function claimsOf(entity: EntityDraft): Claims {
  const taken = new Set<string>();
  // camelCase, so that relations get the same names whether field names are kept as written or not.
  const fieldNames = new Set(entity.fields.map((f) => camelCase(f.spec.name)));
  const derived = (slot: Slot, name: string): string[] => [
    ...(slot.holdsFk ? [foreignKeyProperty(name)] : []),
    ...(slot.edge.type === 'ManyToMany' && slot === slot.edge.declSlot ? [idsProperty(name)] : []),
  ];
  return {
    // A field named like the foreign key (`customerId`) is not a clash: it merges into the relation.
    fieldClash: (slot, name) =>
      [name, ...derived(slot, name)].some(
        (n) => RESERVED.has(n) || (fieldNames.has(n) && !(slot.holdsFk && n === foreignKeyProperty(name))),
      ),
    slotClash: (slot, name) => [name, ...derived(slot, name)].some((n) => taken.has(n)),
    claim: (slot, name) => {
      slot.name = name;
      for (const n of [name, ...derived(slot, name)]) taken.add(n);
    },
  };
}

/** Claims every `to_name` as written; returns the slots whose name clashed (each an error). */
function nameExplicitSlots(entity: EntityDraft, claims: Claims, d: Diagnostics): Set<Slot> {
  const clashed = new Set<Slot>();
  for (const slot of entity.slots.filter((s) => s.explicit)) {
    if (claims.fieldClash(slot, slot.base)) {
      d.error(
        slot.namePointer,
        `relation name ${q(slot.base)} clashes with a field of ${entity.name} or a column apso adds itself; choose another to_name`,
      );
      clashed.add(slot);
    } else if (claims.slotClash(slot, slot.base)) {
      d.error(
        slot.namePointer,
        `relation name ${q(slot.base)} is already used by another relationship of ${entity.name}; choose another to_name`,
      );
      clashed.add(slot);
    } else {
      claims.claim(slot, slot.base);
    }
  }
  return clashed;
}

/** `<base>` if free, else `<base>Ref` past a field, then numbered past other relations; `quiet` skips the warnings. */
function nameDefaultSlot(entity: EntityDraft, slot: Slot, quiet: boolean, claims: Claims, d: Diagnostics): void {
  let base = slot.base;
  if (claims.fieldClash(slot, base)) {
    base = `${slot.base}Ref`;
    slot.refRenamed = true;
    const field = entity.fieldByName.get(slot.base);
    if (!quiet) {
      d.warn(
        slot.edge.pointer,
        `${entity.name} already has ${field ? `a field ${q(field.rawName)}` : `a property ${q(slot.base)}`}, so the relation to ${otherEnd(slot).name} is named ${q(base)}${slot.holdsFk ? ` (column ${foreignKeyColumn(base)})` : ''}${slot === slot.edge.declSlot ? '; add "to_name" to choose the name' : ''}`,
      );
    }
  }
  let name = base;
  for (let n = 2; claims.fieldClash(slot, name) || claims.slotClash(slot, name); n++) name = `${base}${n}`;
  if (name !== base) {
    if (!quiet) {
      d.warn(
        slot.edge.pointer,
        slot === slot.edge.declSlot
          ? `${entity.name} has several relations named ${q(base)}; this one to ${otherEnd(slot).name} is named ${q(name)}; add "to_name" to choose the name`
          : `${entity.name} already has a property ${q(base)}, so this relationship's side on ${entity.name} is named ${q(name)}`,
      );
    }
  }
  claims.claim(slot, name);
}
