/** Version 1 files: `entity.associations`, rewritten as the relationships they stand for. */
import type { RelationType } from '../../schema/document';
import { type Diagnostics, describe, ptr, q } from './diagnostics';
import type { RawRelationship } from './drafts';
import { INVERSE_TYPE } from './edges';
import { has, isRecord, type Rec } from './values';

/** Converts v1 `entity.associations` the way the APSO CLI does (parse-v1.ts), as v2 relationships. */
export function v1Relationships(rawEntities: unknown[], d: Diagnostics): RawRelationship[] {
  const out: RawRelationship[] = [];
  const assocs = (e: unknown): unknown[] => (isRecord(e) && Array.isArray(e.associations) ? e.associations : []);
  rawEntities.forEach((e, i) => {
    if (!isRecord(e)) return;
    if (has(e, 'associations') && !Array.isArray(e.associations)) {
      d.error(ptr('', 'entities', i, 'associations'), `"associations" must be a list, not ${describe(e.associations)}`);
      return;
    }
    assocs(e).forEach((a, j) => {
      const pointer = ptr('', 'entities', i, 'associations', j);
      if (!isRecord(a)) {
        d.error(pointer, `an association must be an object with "name" and "type", not ${describe(a)}`);
        return;
      }
      const inverseType = typeof a.type === 'string' ? INVERSE_TYPE[a.type as RelationType] : undefined;
      const target = rawEntities.find((t) => isRecord(t) && t.name === a.name);
      const inverse =
        e.name === a.name || !inverseType
          ? undefined
          : (assocs(target).find((b) => isRecord(b) && b.name === e.name && b.type === inverseType) as Rec | undefined);
      const relationship = asRelationship(e, a, inverse, pointer, d);
      if (relationship) out.push(relationship);
    });
  });
  return out;
}

/**
 * One association `a` of entity `e` as a relationship, given the target's association back
 * (`inverse`), if any; `undefined` when the other side declares the relation instead.
 */
function asRelationship(
  e: Rec,
  a: Rec,
  inverse: Rec | undefined,
  pointer: string,
  d: Diagnostics,
): RawRelationship | undefined {
  if (a.type === 'ManyToOne' && inverse) return undefined; // the OneToMany side declares it
  let biDirectional = inverse !== undefined;
  if (a.type === 'ManyToMany' && inverse) {
    if (a.join_table !== true && inverse.join_table === true) return undefined; // the other side owns it
    if (a.join_table === true && inverse.join_table === true) biDirectional = false;
  }
  const index = a.type === 'OneToMany' && inverse ? inverse.index === true : a.index;
  const nullable =
    a.nullable === true || inverse?.nullable === true
      ? true
      : a.nullable === false || inverse?.nullable === false
        ? false
        : undefined;
  for (const key of Object.keys(a)) {
    if (!['name', 'type', 'join_table', 'reference_name', 'nested', 'nullable', 'index'].includes(key)) {
      d.warn(ptr(pointer, key), `unknown association option ${q(key)} is ignored`);
    }
  }
  return {
    pointer,
    raw: {
      from: e.name,
      to: a.name,
      type: a.type,
      ...(a.reference_name !== undefined ? { to_name: a.reference_name } : {}),
      ...(nullable !== undefined ? { nullable } : {}),
      bi_directional: biDirectional,
      ...(index !== undefined ? { index } : {}),
    },
    v1JoinTable: a.join_table === true,
  };
}
