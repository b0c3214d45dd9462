/** Fields: one .apsorc field to a field draft, the entity's id, one of apso's own columns, or nothing. */
import type { FieldSpec, PrimaryKeyType, PropertyNames } from '../../schema/document';
import { camelCase, snakeCase } from '../../model/naming';
import { type Diagnostics, describe, didYouMean, ptr, q } from './diagnostics';
import { readFieldDefault } from './defaults';
import type { FieldDraft, FieldReading } from './drafts';
import { readValues } from './enums';
import { resolveType } from './types';
import { has, IDENTIFIER, isRecord, optionalBoolean, optionalInteger, type Rec } from './values';

const CLEAN_SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** A property kept as written: what schema.apso.json accepts as a field name. */
const AS_WRITTEN = /^[A-Za-z][A-Za-z0-9_]{0,59}$/;
const KNOWN_FIELD = new Set([
  'name',
  'type',
  'nullable',
  'default',
  'unique',
  'isUnique',
  'index',
  'isIndex',
  'primary',
  'length',
  'precision',
  'scale',
  'values',
  'is_email',
  'description',
  'elementType',
]);
/** Columns apso adds itself (timestamps, soft delete); a field with one of these names is dropped. */
export const BOOKKEEPING = new Set(['createdAt', 'updatedAt', 'deletedAt']);

export interface IdField {
  type: PrimaryKeyType;
  pointer: string;
}

/** The result of reading one field: kept, the primary key, a bookkeeping column, or skipped. */
export type FieldOutcome =
  | { kind: 'field'; draft: FieldDraft }
  | { kind: 'id'; id?: IdField }
  | { kind: 'bookkeeping'; column: 'createdAt' | 'updatedAt' | 'deletedAt' }
  | { kind: 'skip' };

function readIdField(f: Rec, pointer: string, d: Diagnostics): IdField | undefined {
  const type = typeof f.type === 'string' ? f.type.trim().toLowerCase() : undefined;
  const at = ptr(pointer, 'type');
  if (type === undefined || type === 'serial' || type === 'integer' || type === 'int')
    return { type: 'integer', pointer };
  if (type === 'uuid') return { type: 'uuid', pointer };
  if (type === 'bigserial' || type === 'bigint' || type === 'smallserial' || type === 'smallint') {
    d.warn(at, `the id field's type ${q(type)} becomes apso's generated integer key`);
    return { type: 'integer', pointer };
  }
  if (type === 'text' || type === 'varchar' || type === 'string' || type === 'char') {
    d.warn(at, `a ${type} id is not supported (apso's keys are generated, either uuid or integer); using uuid`);
    return { type: 'uuid', pointer };
  }
  d.error(at, `the id field has type ${describe(f.type)}; an id must be serial, integer or uuid`);
  return undefined;
}

/**
 * The field's name as written and its camelCase form, which tells apso's own columns (`created_at`,
 * `createdAt`) and foreign keys apart whatever the spelling; an error when it cannot become a property.
 */
function readName(
  f: Rec,
  pointer: string,
  propertyNames: PropertyNames,
  d: Diagnostics,
): { rawName: string; name: string } | undefined {
  if (typeof f.name !== 'string' || f.name.trim() === '') {
    d.error(ptr(pointer, 'name'), `the field has no "name"; give it a name such as "title"`);
    return undefined;
  }
  const rawName = f.name;
  if (/[^\x20-\x7E]/.test(rawName)) {
    d.error(
      ptr(pointer, 'name'),
      `field name ${q(rawName)} has characters other than ASCII letters, digits and underscores`,
    );
    return undefined;
  }
  const name = camelCase(rawName);
  if (propertyNames === 'asWritten' && !AS_WRITTEN.test(rawName)) {
    d.error(
      ptr(pointer, 'name'),
      `field name ${q(rawName)} cannot be a property as written; use at most 60 letters, digits and underscores, starting with a letter (or import with --naming camelCase)`,
    );
    return undefined;
  }
  if (!IDENTIFIER.test(name)) {
    d.error(
      ptr(pointer, 'name'),
      `field name ${q(rawName)} cannot become a property name; use letters, digits and underscores, starting with a letter`,
    );
    return undefined;
  }
  return { rawName, name };
}

/**
 * The property: the name as written, or its camelCase form. `version` is apso's own; camelCase
 * renames are pointed out unless the name was clean snake_case.
 */
function propertyName(
  rawName: string,
  name: string,
  propertyNames: PropertyNames,
  pointer: string,
  d: Diagnostics,
): string {
  if (name === 'version') {
    const renamed = propertyNames === 'asWritten' ? 'version_value' : 'versionValue';
    d.warn(
      ptr(pointer, 'name'),
      `field ${q(rawName)} is named ${q(renamed)} (column version_value): apso keeps "version" for its optimistic-locking column`,
    );
    return renamed;
  }
  if (propertyNames === 'asWritten') return rawName;
  if (name !== rawName && !CLEAN_SNAKE.test(rawName)) {
    d.warn(ptr(pointer, 'name'), `field ${q(rawName)} is named ${q(name)} (column ${snakeCase(name)})`);
  }
  return name;
}

export function readField(f: unknown, pointer: string, propertyNames: PropertyNames, d: Diagnostics): FieldOutcome {
  if (!isRecord(f)) {
    d.error(pointer, `a field must be an object with "name" and "type", not ${describe(f)}`);
    return { kind: 'skip' };
  }
  const named = readName(f, pointer, propertyNames, d);
  if (!named) return { kind: 'skip' };
  const { rawName } = named;
  if (named.name === 'id') return { kind: 'id', id: readIdField(f, pointer, d) };
  if (BOOKKEEPING.has(named.name))
    return { kind: 'bookkeeping', column: named.name as 'createdAt' | 'updatedAt' | 'deletedAt' };

  for (const key of Object.keys(f)) {
    if (!KNOWN_FIELD.has(key))
      d.warn(ptr(pointer, key), `unknown field option ${q(key)} is ignored${didYouMean(key, KNOWN_FIELD)}`);
  }
  const name = propertyName(rawName, named.name, propertyNames, pointer, d);

  const typeAt = ptr(pointer, 'type');
  const resolved = resolveType(f.type, rawName, typeAt, d);
  if (!resolved) return { kind: 'skip' };
  const { rule, typeKey } = resolved;
  const spec: FieldSpec = { name, type: rule.type };
  const reading: FieldReading = { ...resolved, f, pointer, rawName, spec };

  const nullable = optionalBoolean(f, 'nullable', pointer, d);
  let unique = optionalBoolean(f, 'unique', pointer, d) === true || optionalBoolean(f, 'isUnique', pointer, d) === true;
  const index = optionalBoolean(f, 'index', pointer, d) === true || optionalBoolean(f, 'isIndex', pointer, d) === true;
  const isEmail = optionalBoolean(f, 'is_email', pointer, d) === true;

  const primary = optionalBoolean(f, 'primary', pointer, d) === true;
  if (primary) {
    d.warn(
      ptr(pointer, 'primary'),
      `apso's primary key is always "id"; ${q(rawName)} becomes a unique, required column`,
    );
    unique = true;
  }
  if (rule.serial) {
    d.warn(
      typeAt,
      `${q(typeKey)} on a field other than id becomes a plain ${spec.type}: apso does not auto-increment ordinary columns`,
    );
  }
  if (rule.timezoneDropped) {
    d.warn(typeAt, `${q(typeKey)} becomes "time": apso stores times of day without a zone offset`);
  }

  const enumValues = readValues(reading, d);
  if (!enumValues) return { kind: 'skip' };
  const { values } = enumValues;

  if (isEmail) {
    if (spec.type === 'string' || spec.type === 'text' || spec.type === 'email') spec.type = 'email';
    else d.warn(ptr(pointer, 'is_email'), `"is_email" only applies to text fields; ignored on a ${typeKey} field`);
  }
  readSize(reading, d);

  if (nullable && !primary) spec.nullable = true;
  readFieldDefault(reading, values, nullable, d);
  if (typeof f.description === 'string' && f.description.trim() !== '') spec.description = f.description;
  if (has(f, 'elementType')) d.warn(ptr(pointer, 'elementType'), `"elementType" only applies to array fields; ignored`);

  return { kind: 'field', draft: { pointer, rawName, spec, unique, index } };
}

/** Length, precision and scale: from the options, the type's parameters (`varchar(40)`), or APSO's defaults. */
function readSize({ f, pointer, typeKey, rule, params, spec }: FieldReading, d: Diagnostics): void {
  const typeAt = ptr(pointer, 'type');
  const length = optionalInteger(f, 'length', pointer, d, 1, 10485760);
  if (spec.type === 'string' || spec.type === 'email') {
    const given = length ?? (params && !params[3] ? Number(params[2]) : undefined);
    const value = given ?? (rule.char ? 1 : rule.defaultLength);
    if (value !== undefined) spec.length = value;
    if (rule.char)
      d.warn(typeAt, `"char" becomes a string of at most ${value} characters: apso does not pad values with spaces`);
  } else if (length !== undefined) {
    d.warn(ptr(pointer, 'length'), `"length" only applies to string fields; ignored on a ${typeKey} field`);
  }
  const precision = optionalInteger(f, 'precision', pointer, d, 1, 1000);
  const scale = optionalInteger(f, 'scale', pointer, d, 0, 1000);
  if (spec.type === 'decimal') {
    const fallback = rule.money ? [19, 4] : [10, 2];
    // numeric(p) means scale 0 in PostgreSQL; APSO's own defaults are precision 10, scale 2.
    spec.precision = precision ?? (params ? Number(params[2]) : fallback[0]);
    spec.scale = scale ?? (params ? Number(params[3] ?? 0) : fallback[1]);
    if (spec.scale > spec.precision) {
      d.error(
        ptr(pointer, 'scale'),
        `scale ${spec.scale} is larger than precision ${spec.precision}; the scale counts digits after the point and must not exceed the precision`,
      );
    }
    if (rule.money) {
      d.warn(
        typeAt,
        `"money" becomes decimal(${spec.precision},${spec.scale}): PostgreSQL sends money as locale-formatted text (such as "$1,234.50"), which clients cannot parse reliably`,
      );
    }
  } else {
    if (precision !== undefined)
      d.warn(ptr(pointer, 'precision'), `"precision" only applies to decimal fields; ignored on a ${typeKey} field`);
    if (scale !== undefined)
      d.warn(ptr(pointer, 'scale'), `"scale" only applies to decimal fields; ignored on a ${typeKey} field`);
  }
}
