/** Entities: each .apsorc entity to an entity draft with its fields, timestamps, soft delete and key type. */
import type { PrimaryKeyType, PropertyNames } from '../../schema/document';
import pluralize from 'pluralize';
import { routeOf, tableName } from '../../model/build';
import { camelCase, pascalCase, snakeCase } from '../../model/naming';
import { type Diagnostics, describe, didYouMean, ptr, q } from './diagnostics';
import type { EntityDraft } from './drafts';
import { type FieldOutcome, type IdField, readField } from './fields';
import { has, isRecord, optionalBoolean, type Rec, sqlName } from './values';

const ENTITY_NAME = /^[A-Z][A-Za-z0-9]*$/;
const KNOWN_ENTITY = new Set([
  'name',
  'table',
  'description',
  'created_at',
  'updated_at',
  'primaryKeyType',
  'fields',
  'indexes',
  'uniques',
  'scopeBy',
  'scopeOptions',
  'emitEvents',
  'http',
  'associations',
]);

export interface EntityIndex {
  entities: EntityDraft[];
  /** By the name as written in the .apsorc. */
  byRawName: Map<string, EntityDraft>;
  /** By the PascalCase name. */
  byName: Map<string, EntityDraft>;
}

/** Reads every entity; two entities with one name, or one table, are errors. */
export function readEntities(list: unknown[], propertyNames: PropertyNames, d: Diagnostics): EntityIndex {
  const entities: EntityDraft[] = [];
  const byRawName = new Map<string, EntityDraft>();
  const byName = new Map<string, EntityDraft>();
  list.forEach((e, i) => {
    const entity = readEntity(e, i, propertyNames, d);
    if (!entity) return;
    const clash = byName.get(entity.name);
    if (clash) {
      d.error(
        ptr(entity.pointer, 'name'),
        `entity ${q(entity.rawName)} has the same name ${q(entity.name)} as entity ${q(clash.rawName)} (${clash.pointer}); rename one of them`,
      );
      return;
    }
    entities.push(entity);
    byName.set(entity.name, entity);
    byRawName.set(entity.rawName, entity);
  });
  const tables = new Map<string, EntityDraft>();
  for (const entity of entities) {
    const table = tableName(entity);
    const clash = tables.get(table);
    if (clash)
      d.error(
        ptr(entity.pointer, entity.table !== undefined ? 'table' : 'name'),
        `table ${q(table)} is also the table of ${q(clash.rawName)}; set "table" to tell them apart`,
      );
    else tables.set(table, entity);
  }
  return { entities, byRawName, byName };
}

function readTimestamps(e: Rec, pointer: string, d: Diagnostics): boolean {
  const created = optionalBoolean(e, 'created_at', pointer, d);
  const updated = optionalBoolean(e, 'updated_at', pointer, d);
  if (created === undefined && updated === undefined) return true;
  if ((created === true) !== (updated === true)) {
    const only = created === true ? 'created_at' : 'updated_at';
    d.warn(
      pointer,
      `only ${only} is true; apso's timestamps are created_at and updated_at together, so both columns are added`,
    );
  }
  return created === true || updated === true;
}

function readPrimaryKeyType(e: Rec, pointer: string, d: Diagnostics): PrimaryKeyType | undefined {
  if (!has(e, 'primaryKeyType')) return undefined;
  const v = e.primaryKeyType;
  const at = ptr(pointer, 'primaryKeyType');
  const key = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  if (key === 'serial' || key === 'integer' || key === 'int' || key === 'bigserial' || key === 'bigint')
    return 'integer';
  if (key === 'uuid') return 'uuid';
  if (key === 'text' || key === 'varchar' || key === 'string') {
    d.warn(
      at,
      `primaryKeyType ${q(v as string)} is not supported (apso's keys are generated, either uuid or integer); using uuid`,
    );
    return 'uuid';
  }
  d.error(
    at,
    `unknown primaryKeyType ${describe(v)}${typeof v === 'string' ? didYouMean(v, ['serial', 'uuid']) : ''}; use "serial" or "uuid"`,
  );
  return undefined;
}

/** The entity's name as written and the class name it becomes; an error when it cannot become one. */
function readEntityName(e: Rec, pointer: string, d: Diagnostics): { rawName: string; name: string } | undefined {
  if (typeof e.name !== 'string' || e.name.trim() === '') {
    d.error(ptr(pointer, 'name'), `the entity has no "name"; give it a PascalCase name such as "Customer"`);
    return undefined;
  }
  const rawName = e.name;
  const name = /[^\x20-\x7E]/.test(rawName) ? '' : pascalCase(rawName);
  if (!ENTITY_NAME.test(name)) {
    d.error(
      ptr(pointer, 'name'),
      `entity name ${q(rawName)} cannot become a class name; use letters and digits, starting with a letter`,
    );
    return undefined;
  }
  if (name !== rawName) d.warn(ptr(pointer, 'name'), `entity ${q(rawName)} is named ${q(name)}`);
  return { rawName, name };
}

/** Unknown options, and the APSO CLI options apso does not import yet (scopeBy and scopeOptions: scope.ts). */
function warnIgnoredOptions(e: Rec, pointer: string, d: Diagnostics): void {
  for (const key of Object.keys(e)) {
    if (!KNOWN_ENTITY.has(key))
      d.warn(ptr(pointer, key), `unknown entity option ${q(key)} is ignored${didYouMean(key, KNOWN_ENTITY)}`);
  }
  if (e.emitEvents === true)
    d.warn(ptr(pointer, 'emitEvents'), `"emitEvents" (domain events) is not imported yet; ignored`);
  if (e.http === false)
    d.warn(ptr(pointer, 'http'), `"http": false is not imported yet; the entity still gets its REST controller`);
}

function readEntity(e: unknown, index: number, propertyNames: PropertyNames, d: Diagnostics): EntityDraft | undefined {
  const pointer = ptr('', 'entities', index);
  if (!isRecord(e)) {
    d.error(pointer, `an entity must be an object with a "name" and "fields", not ${describe(e)}`);
    return undefined;
  }
  const named = readEntityName(e, pointer, d);
  if (!named) return undefined;
  warnIgnoredOptions(e, pointer, d);

  const entity: EntityDraft = {
    pointer,
    raw: e,
    rawName: named.rawName,
    name: named.name,
    propertyNames,
    primaryKey: 'integer',
    timestamps: readTimestamps(e, pointer, d),
    softDelete: false,
    fields: [],
    fieldByName: new Map(),
    slots: [],
    indexRequests: [],
  };
  if (has(e, 'table')) entity.table = sqlName(e.table, ptr(pointer, 'table'), 'table name', d);
  if (typeof e.description === 'string' && e.description.trim() !== '') entity.description = e.description;
  entity.path = apsoCliPath(entity, d);

  const declaredKey = readPrimaryKeyType(e, pointer, d);
  const idField = readFields(entity, e, d);
  if (idField) {
    entity.primaryKey = idField.type;
    if (declaredKey !== undefined && declaredKey !== idField.type) {
      d.warn(
        ptr(idField.pointer, 'type'),
        `the id field says ${idField.type} but primaryKeyType says ${declaredKey}; the id field wins`,
      );
    }
  } else if (declaredKey !== undefined) {
    entity.primaryKey = declaredKey;
  }
  return entity;
}

const PATH = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/**
 * The APSO CLI served an entity at the plural of its name as written (`Customers`, `OrderItems`,
 * `order_items`), which its clients call; apso keeps that route rather than its own kebab-case one.
 */
function apsoCliPath(entity: EntityDraft, d: Diagnostics): string | undefined {
  const path = pluralize(entity.rawName);
  if (path === routeOf(entity.name)) return undefined;
  if (PATH.test(path)) return path;
  d.warn(
    ptr(entity.pointer, 'name'),
    `the APSO CLI's route /${path} cannot be an apso route; ${entity.name} is served at /${routeOf(entity.name)}`,
  );
  return undefined;
}

/** Reads the entity's fields into it; returns its id field, if it declares one. */
function readFields(entity: EntityDraft, e: Rec, d: Diagnostics): IdField | undefined {
  if (has(e, 'fields') && !Array.isArray(e.fields)) {
    d.error(ptr(entity.pointer, 'fields'), `"fields" must be a list of fields, not ${describe(e.fields)}`);
  }
  const rawFields = Array.isArray(e.fields) ? e.fields : [];
  const seen = new Map<string, string>();
  let idField: IdField | undefined;
  rawFields.forEach((f, j) => {
    const at = ptr(entity.pointer, 'fields', j);
    const outcome = readField(f, at, entity.propertyNames, d);
    const rawFieldName = isRecord(f) && typeof f.name === 'string' ? f.name : '';
    if (outcome.kind === 'skip') return;
    const property = outcome.kind === 'field' ? outcome.draft.spec.name : outcome.kind === 'id' ? 'id' : outcome.column;
    // Names kept as written clash when they share a column (`first_name`, `firstName`), as camelCase ones do.
    const key = camelCase(property);
    const first = seen.get(key);
    if (first !== undefined) {
      d.error(
        ptr(at, 'name'),
        entity.propertyNames === 'asWritten'
          ? `field ${q(rawFieldName)} has the same column ${q(snakeCase(property))} as field ${q(first)}; rename one of them`
          : `field ${q(rawFieldName)} has the same property name ${q(property)} as field ${q(first)}; rename one of them`,
      );
      return;
    }
    seen.set(key, rawFieldName);
    if (outcome.kind === 'id') {
      idField = outcome.id;
    } else if (outcome.kind === 'bookkeeping') {
      addBookkeeping(entity, outcome.column, at, rawFieldName, d);
    } else {
      entity.fields.push(outcome.draft);
      entity.fieldByName.set(outcome.draft.spec.name, outcome.draft);
      entity.fieldByName.set(rawFieldName, outcome.draft);
      entity.fieldByName.set(camelCase(rawFieldName), outcome.draft);
    }
  });
  return idField;
}

/** A created_at/updated_at field turns timestamps on; a deleted_at field turns soft delete on. */
function addBookkeeping(
  entity: EntityDraft,
  column: (FieldOutcome & { kind: 'bookkeeping' })['column'],
  at: string,
  rawFieldName: string,
  d: Diagnostics,
): void {
  if (column === 'deletedAt') {
    entity.softDelete = true;
    d.warn(
      at,
      `field ${q(rawFieldName)} is apso's soft-delete column: softDelete is turned on, so DELETE hides rows instead of removing them`,
    );
  } else {
    const was = entity.timestamps;
    entity.timestamps = true;
    const turnedOn = was ? '' : ', so they are turned on';
    d.warn(
      at,
      entity.propertyNames === 'asWritten'
        ? `field ${q(rawFieldName)} is apso's own timestamp column (property ${q(snakeCase(column))}, set by the database; a body that sends it is not refused, and the value is not written)${turnedOn}`
        : `field ${q(rawFieldName)} is dropped: apso's timestamps already provide created_at and updated_at${turnedOn}`,
    );
  }
}
