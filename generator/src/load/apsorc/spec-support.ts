/** Helpers shared by the importer's specs: look-ups into an import, diagnostic checks, invariants. */
import assert from 'node:assert/strict';
import type { ApsorcImport, ImportDiagnostic } from './index';
import type { EntitySpec, FieldSpec, RelationSpec, SchemaDocument } from '../../schema/document';
import { validateDocument } from '../../validate/validate';
import { bookkeepingProperties } from '../../model/naming';

export function entity(result: ApsorcImport, name: string): EntitySpec {
  const found = result.document.entities.find((e) => e.name === name);
  assert.ok(found, `entity ${name} in ${result.document.entities.map((e) => e.name).join(', ')}`);
  return found;
}
export function field(result: ApsorcImport, entityName: string, name: string): FieldSpec {
  const found = entity(result, entityName).fields?.find((f) => f.name === name);
  assert.ok(found, `field ${entityName}.${name}`);
  return found;
}
export function relation(result: ApsorcImport, entityName: string, name: string): RelationSpec {
  const found = entity(result, entityName).relationships?.find((r) => r.name === name);
  assert.ok(found, `relation ${entityName}.${name} in ${JSON.stringify(entity(result, entityName).relationships)}`);
  return found;
}
const at = (list: ImportDiagnostic[], pointer: string): ImportDiagnostic[] => list.filter((d) => d.pointer === pointer);
export function one(list: ImportDiagnostic[], pointer: string, pattern: RegExp): void {
  const hits = at(list, pointer).filter((d) => pattern.test(d.message));
  assert.equal(
    hits.length,
    1,
    `one diagnostic at ${q(pointer)} matching ${pattern}; got ${JSON.stringify(list, null, 1)}`,
  );
}
const q = (s: string): string => JSON.stringify(s);
/** No errors, and apso's own validator accepts the document. */
export function clean(result: ApsorcImport): void {
  assert.deepEqual(result.errors, [], JSON.stringify(result.errors, null, 1));
  assert.deepEqual(validateDocument(result.document).diagnostics, [], JSON.stringify(result.document));
}

/** One entity with the given fields, plus optional extra entities and relationships. */
export function file(
  fields: unknown[],
  extra: { entities?: unknown[]; relationships?: unknown[]; entity?: object } = {},
): object {
  return {
    entities: [{ name: 'Thing', ...extra.entity, fields }, ...(extra.entities ?? [])],
    ...(extra.relationships ? { relationships: extra.relationships } : {}),
  };
}

/** Invariants every imported document must keep, whatever the input. */
export function checkInvariants(doc: SchemaDocument, label: string): void {
  const byName = new Map(doc.entities.map((e) => [e.name, e]));
  assert.equal(byName.size, doc.entities.length, `${label}: entity names are unique`);
  const properties = new Map<string, string[]>(
    doc.entities.map((e) => [
      e.name,
      [...(e.fields ?? []).map((f) => f.name), ...(e.relationships ?? []).map((r) => r.name)],
    ]),
  );
  for (const e of doc.entities) {
    for (const r of e.relationships ?? []) {
      const target = byName.get(r.target);
      assert.ok(target, `${label}: ${e.name}.${r.name} targets an existing entity (${r.target})`);
      if (r.inverse !== undefined) {
        assert.ok(
          !(target.fields ?? []).some((f) => f.name === r.inverse),
          `${label}: inverse ${r.target}.${r.inverse} is not a field`,
        );
        properties.get(r.target)!.push(r.inverse);
      }
    }
  }
  for (const [name, list] of properties) {
    const duplicates = list.filter((p, i) => list.indexOf(p) !== i);
    assert.deepEqual(duplicates, [], `${label}: property names of ${name} are unique (${list.join(', ')})`);
    for (const reserved of ['id', 'createdAt', 'updatedAt', 'deletedAt', 'created_at', 'updated_at', 'deleted_at']) {
      assert.ok(!list.includes(reserved), `${label}: ${name} has no property ${reserved}`);
    }
  }
  const ownNames = bookkeepingProperties(doc.api?.propertyNames ?? 'camelCase');
  for (const e of doc.entities) {
    const own = [
      'id',
      ...(e.timestamps === false ? [] : [ownNames.createdAt, ownNames.updatedAt]),
      ...(e.softDelete ? [ownNames.deletedAt] : []),
    ];
    for (const index of e.indexes ?? []) {
      for (const f of index.fields) {
        assert.ok(
          properties.get(e.name)!.includes(f) || own.includes(f),
          `${label}: index field ${e.name}.${f} is a property`,
        );
      }
    }
  }
}
