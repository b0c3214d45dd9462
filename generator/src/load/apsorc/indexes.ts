/** Indexes: field and relation flags and the `indexes`/`uniques` lists, resolved to properties and folded. */
import type { IndexSpec } from '../../schema/document';
import { bookkeepingProperties, camelCase } from '../../model/naming';
import { foreignKeyColumn, foreignKeyProperty } from '../../model/relations';
import { type Diagnostics, describe, didYouMean, ptr, q } from './diagnostics';
import type { Edge, EntityDraft, IndexRequest } from './drafts';
import { fkSlot } from './edges';
import { has, isRecord, optionalBoolean, sqlName } from './values';

/** Collects index requests: field flags (merged fields move to their relation), relation flags, entity lists. */
export function requestIndexes(entities: EntityDraft[], edges: Edge[], d: Diagnostics): void {
  for (const entity of entities) {
    for (const field of entity.fields) {
      const property = field.mergedInto ? field.mergedInto.name : field.spec.name;
      if (field.unique) entity.indexRequests.push({ fields: [property], unique: true });
      if (field.index) entity.indexRequests.push({ fields: [property], unique: false });
    }
  }
  for (const edge of edges) {
    if (!edge.index) continue;
    const slot = fkSlot(edge);
    slot.entity.indexRequests.push({ fields: [slot.name], unique: false });
  }
  for (const entity of entities) {
    readIndexList(entity, 'indexes', d);
    readIndexList(entity, 'uniques', d);
  }
}

/** The property an index names: a field, a foreign-key relation (by name or column), or apso's own column. */
function resolveIndexField(entity: EntityDraft, value: unknown, pointer: string, d: Diagnostics): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    d.error(pointer, `an index field must be a field name, not ${describe(value)}`);
    return undefined;
  }
  const name = camelCase(value);
  const field = entity.fieldByName.get(value) ?? entity.fieldByName.get(name);
  if (field) return field.mergedInto ? field.mergedInto.name : field.spec.name;
  const keySlot = entity.slots.find(
    (s) => s.holdsFk && [s.name, foreignKeyProperty(s.name), foreignKeyProperty(s.base)].includes(name),
  );
  if (keySlot) return keySlot.name;
  const own: Record<string, string | undefined> = {
    id: undefined,
    createdAt: entity.timestamps ? undefined : 'timestamps are off',
    updatedAt: entity.timestamps ? undefined : 'timestamps are off',
    deletedAt: entity.softDelete ? undefined : 'it has no deleted_at field',
  };
  if (name in own) {
    if (own[name] === undefined)
      return name === 'id' ? name : bookkeepingProperties(entity.propertyNames)[name as 'createdAt'];
    d.error(pointer, `${entity.rawName} has no column ${q(value)}: ${own[name]}`);
    return undefined;
  }
  if (entity.slots.some((s) => s.name === name)) {
    d.error(pointer, `${q(value)} is a to-many relation of ${entity.rawName} and has no column to index`);
    return undefined;
  }
  const candidates = [
    ...entity.fields.map((f) => f.rawName),
    ...entity.slots.filter((s) => s.holdsFk).map((s) => foreignKeyColumn(s.name)),
  ];
  d.error(pointer, `index names unknown field ${q(value)} of ${entity.rawName}${didYouMean(value, candidates)}`);
  return undefined;
}

function readIndexList(entity: EntityDraft, key: 'indexes' | 'uniques', d: Diagnostics): void {
  const list = entity.raw[key];
  if (list === undefined || list === null) return;
  const listAt = ptr(entity.pointer, key);
  if (!Array.isArray(list)) {
    d.error(listAt, `${q(key)} must be a list, not ${describe(list)}`);
    return;
  }
  list.forEach((item, k) => {
    const at = ptr(listAt, k);
    if (!isRecord(item) || !Array.isArray(item.fields) || item.fields.length === 0) {
      d.error(
        isRecord(item) ? ptr(at, 'fields') : at,
        `an entry of ${q(key)} needs "fields", a non-empty list of field names`,
      );
      return;
    }
    const properties: string[] = [];
    let ok = true;
    item.fields.forEach((value, m) => {
      const property = resolveIndexField(entity, value, ptr(at, 'fields', m), d);
      if (property === undefined) ok = false;
      else if (!properties.includes(property)) properties.push(property);
    });
    if (!ok) return;
    const unique = key === 'uniques' ? true : optionalBoolean(item, 'unique', at, d) === true;
    let name: string | undefined;
    if (has(item, 'name')) name = sqlName(item.name, ptr(at, 'name'), 'index name', d);
    entity.indexRequests.push({ fields: properties, unique, ...(name !== undefined ? { name } : {}) });
  });
}

/** Folds duplicate requests (a unique one covers a plain one on the same columns) and places them. */
export function finishIndexes(entity: EntityDraft): IndexSpec[] {
  const merged: IndexRequest[] = [];
  for (const request of entity.indexRequests) {
    const key = request.fields.join('\u0000');
    const same = merged.find((m) => m.fields.join('\u0000') === key);
    if (!same) {
      merged.push({ ...request });
      continue;
    }
    same.unique ||= request.unique;
    same.name ??= request.name;
  }
  const specs: IndexSpec[] = [];
  for (const request of merged) {
    const field =
      request.fields.length === 1 && request.name === undefined
        ? entity.fields.find((f) => !f.mergedInto && f.spec.name === request.fields[0])
        : undefined;
    if (field) {
      if (request.unique) field.spec.unique = true;
      else field.spec.index = true;
      continue;
    }
    specs.push({
      ...(request.name !== undefined ? { name: request.name } : {}),
      fields: request.fields,
      ...(request.unique ? { unique: true } : {}),
    });
  }
  return specs;
}
