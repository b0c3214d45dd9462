/**
 * Relations: declarations grouped into edges (one relation each, however many sides declared it),
 * each with a slot (a relation property) on the declaring entity and, when two-sided, on the target.
 */
import type { RelationType } from '../../schema/document';
import { camelCase, plural } from '../../model/naming';
import { foreignKeyProperty } from '../../model/relations';
import { type Diagnostics, ptr } from './diagnostics';
import type { Edge, EntityDraft, RelDecl, Slot } from './drafts';

export const INVERSE_TYPE: Record<RelationType, RelationType> = {
  OneToMany: 'ManyToOne',
  ManyToOne: 'OneToMany',
  OneToOne: 'OneToOne',
  ManyToMany: 'ManyToMany',
};
export const TO_MANY = new Set<RelationType>(['OneToMany', 'ManyToMany']);

/** The entity at the other end of a slot's relation. */
export const otherEnd = (slot: Slot): EntityDraft =>
  slot === slot.edge.declSlot ? slot.edge.target : slot.edge.declSlot.entity;

/** The slot whose entity holds the foreign key: the ManyToOne side, or the owner of a OneToOne. */
export const fkSlot = (edge: Edge): Slot => (edge.type === 'OneToMany' ? edge.inverseSlot! : edge.declSlot);

/** The declared side's property name before collisions: `to_name` as written, or the target's name. */
function declBase(r: RelDecl): { base: string; explicit: boolean } {
  if (r.toName !== undefined) return { base: r.toName, explicit: true };
  const camel = camelCase(r.to.name);
  return { base: TO_MANY.has(r.type) ? plural(camel) : camel, explicit: false };
}

/** The other side's default property name (APSO semantics). */
function inverseBase(type: RelationType, from: EntityDraft): string {
  const camel = camelCase(from.name);
  return type === 'ManyToOne' || type === 'ManyToMany' ? plural(camel) : camel;
}

/**
 * Groups declarations into relations: a declaration that states the other side of an earlier
 * one (B ManyToOne A after A OneToMany B with matching names; the reverse OneToOne or ManyToMany)
 * joins it instead of creating a second relation.
 */
export function groupDeclarations(decls: RelDecl[]): RelDecl[][] {
  const groups: RelDecl[][] = [];
  for (const r of decls) {
    const partner = groups.find((g) => g.length === 1 && pairs(g[0], r));
    if (partner) partner.push(r);
    else groups.push([r]);
  }
  return groups;
}

/** Whether `r` states the other side of the earlier declaration `e`. */
function pairs(e: RelDecl, r: RelDecl): boolean {
  if (e.from !== r.to || e.to !== r.from || INVERSE_TYPE[e.type] !== r.type) return false;
  if (e.type === 'OneToMany' || e.type === 'ManyToOne') {
    return declBase(r).base === inverseBase(e.type, e.from) && inverseBase(r.type, r.from) === declBase(e).base;
  }
  // OneToOne / ManyToMany: a self-reference pairs only when both sides are named differently.
  if (e.from === e.to) return e.toName !== undefined && r.toName !== undefined && e.toName !== r.toName;
  return true;
}

interface NamePlan {
  base: string;
  explicit: boolean;
  namePointer: string;
}

function makeSlot(entity: EntityDraft, edge: Edge, plan: NamePlan, holdsFk: boolean): Slot {
  const slot: Slot = {
    entity,
    edge,
    base: plan.base,
    explicit: plan.explicit,
    namePointer: plan.namePointer,
    name: plan.base,
    holdsFk,
  };
  entity.slots.push(slot);
  return slot;
}

export function buildEdge(group: RelDecl[], d: Diagnostics): Edge {
  let [first, second] = group;
  // ManyToMany: the side that asked for the join table (joinTableName, v1 join_table) owns it.
  if (first.type === 'ManyToMany' && second?.ownsJoin && !first.ownsJoin) [first, second] = [second, first];
  const type = first.type;
  let from = first.from;
  let to = first.to;
  let decl: NamePlan = { ...declBase(first), namePointer: first.toNamePointer };
  let inverse: NamePlan | undefined;
  const twoSided =
    type === 'OneToMany' ||
    second !== undefined ||
    (type === 'ManyToOne' ? first.biDirectional !== false : first.biDirectional === true);
  if (twoSided) {
    inverse =
      second !== undefined && second.toName !== undefined && (type === 'OneToOne' || type === 'ManyToMany')
        ? { ...declBase(second), namePointer: second.toNamePointer }
        : { base: inverseBase(type, first.from), explicit: false, namePointer: first.pointer };
  }

  // OneToOne: the declaring side owns the foreign key, unless only the other side already
  // holds a scalar column for it (Payment.order_id next to Order -> Payment).
  if (type === 'OneToOne' && from !== to) {
    const reverse: NamePlan = inverse ?? { base: camelCase(from.name), explicit: false, namePointer: first.pointer };
    const held = to.fieldByName.get(foreignKeyProperty(reverse.base));
    if (!from.fieldByName.has(foreignKeyProperty(decl.base)) && held) {
      d.warn(
        first.pointer,
        `${to.name}.${held.rawName} already holds the key to ${from.name}, so ${to.name} owns this OneToOne and ${from.name}.${decl.base} is its other side`,
      );
      [decl, inverse] = [reverse, decl];
      [from, to] = [to, from];
    }
  }

  const edge: Edge = {
    pointer: first.pointer,
    type,
    target: to,
    declSlot: undefined as unknown as Slot,
    nullable: first.nullable ?? second?.nullable,
    nullablePointer: ptr(
      first.nullable !== undefined || second === undefined ? first.pointer : second.pointer,
      'nullable',
    ),
    cascade: first.cascade || second?.cascade === true,
    index: first.index || second?.index === true,
    joinTable: first.joinTable ?? second?.joinTable,
  };
  edge.declSlot = makeSlot(from, edge, decl, type === 'ManyToOne' || type === 'OneToOne');
  if (inverse) edge.inverseSlot = makeSlot(to, edge, inverse, type === 'OneToMany');
  return edge;
}
