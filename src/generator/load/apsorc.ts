/**
 * Reads an APSO CLI `.apsorc` file and turns it into apso's own SchemaDocument.
 *
 * A pure function: no I/O, no console. `errors` say what is wrong with the file itself
 * (all of them at once, each with a JSON pointer into the .apsorc); `warnings` say what was
 * interpreted or dropped on purpose. docs/apsorc.md explains every mapping and trap handled
 * here; keep the two in step.
 */
import {
  FIELD_TYPES,
  RELATION_TYPES,
  type EntitySpec,
  type FieldSpec,
  type FieldType,
  type IndexSpec,
  type JsonValue,
  type PrimaryKeyType,
  type RelationSpec,
  type RelationType,
  type SchemaDocument,
} from '../schema/document';
import { tableName } from '../model/build';
import { camelCase, closest, pascalCase, plural, snakeCase } from '../model/naming';
import { foreignKeyColumn, foreignKeyProperty, idsProperty } from '../model/relations';
import { type Diagnostic, pointer as jsonPointer } from '../validate/diagnostic';

/** A JSON pointer into the .apsorc file (`/entities/2/fields/4/type`; `` is the whole file) and a sentence. */
export type ImportDiagnostic = Diagnostic;

export interface ApsorcImport {
  document: SchemaDocument;
  errors: ImportDiagnostic[];
  warnings: ImportDiagnostic[];
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Rec, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;
const q = (s: string): string => JSON.stringify(s);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${q(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${String(v)}`;
}

/** Appends escaped segments to a JSON pointer. */
const ptr = (base: string, ...segments: (string | number)[]): string => base + jsonPointer(...segments);

class Diagnostics {
  readonly errors: ImportDiagnostic[] = [];
  readonly warnings: ImportDiagnostic[] = [];
  error(pointer: string, message: string): void {
    this.errors.push({ pointer, message });
  }
  warn(pointer: string, message: string): void {
    this.warnings.push({ pointer, message });
  }
}

const IDENTIFIER = /^[a-z][A-Za-z0-9]*$/;
const ENTITY_NAME = /^[A-Z][A-Za-z0-9]*$/;
const SQL_NAME = /^[a-z_][a-z0-9_]*$/;
const CLEAN_SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

const didYouMean = (input: string, candidates: Iterable<string>): string => {
  const hit = closest(input, [...candidates]);
  return hit === undefined ? '' : `; did you mean ${q(hit)}?`;
};

/** Removes `//` and `/* *\/` comments outside strings: `rc`, which the APSO CLI uses, accepts them. */
function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

function parseText(raw: unknown): { value?: unknown; error?: string } {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (raw instanceof Uint8Array) text = new TextDecoder().decode(raw);
  else return { value: raw };
  try {
    return { value: JSON.parse(stripJsonComments(text.replace(/^\uFEFF/, ''))) };
  } catch (e) {
    return { error: `the file is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

// ---------------------------------------------------------------------------------------------
// Field types
// ---------------------------------------------------------------------------------------------

interface TypeRule {
  type: FieldType;
  /** varchar: APSO's column was varchar(255) when no length was given. */
  defaultLength?: number;
  char?: boolean;
  serial?: boolean;
  money?: boolean;
  timezoneDropped?: boolean;
}

const TYPE_RULES: Record<string, TypeRule> = {
  string: { type: 'string' },
  varchar: { type: 'string', defaultLength: 255 },
  'character varying': { type: 'string', defaultLength: 255 },
  char: { type: 'string', char: true },
  character: { type: 'string', char: true },
  text: { type: 'text' },
  email: { type: 'email' },
  integer: { type: 'integer' },
  int: { type: 'integer' },
  serial: { type: 'integer', serial: true },
  smallint: { type: 'smallint' },
  smallserial: { type: 'smallint', serial: true },
  bigint: { type: 'bigint' },
  bigserial: { type: 'bigint', serial: true },
  float: { type: 'float' },
  real: { type: 'float' },
  double: { type: 'float' },
  'double precision': { type: 'float' },
  decimal: { type: 'decimal' },
  numeric: { type: 'decimal' },
  money: { type: 'decimal', money: true },
  boolean: { type: 'boolean' },
  bool: { type: 'boolean' },
  date: { type: 'date' },
  time: { type: 'time' },
  'time without time zone': { type: 'time' },
  timetz: { type: 'time', timezoneDropped: true },
  'time with time zone': { type: 'time', timezoneDropped: true },
  timestamp: { type: 'timestamp' },
  'timestamp without time zone': { type: 'timestamp' },
  timestamptz: { type: 'timestamp' },
  'timestamp with time zone': { type: 'timestamp' },
  datetime: { type: 'timestamp' },
  interval: { type: 'interval' },
  uuid: { type: 'uuid' },
  json: { type: 'json' },
  'json-plain': { type: 'json' },
  jsonb: { type: 'jsonb' },
  enum: { type: 'enum' },
};

const POSTGIS_HINT = 'PostGIS types are not supported; store GeoJSON in a "jsonb" field, or coordinates in two "decimal" fields';
const UNSUPPORTED_TYPES: Record<string, string> = {
  bytea: 'binary columns are not supported; keep the bytes in object storage with a "string" URL, or base64 in a "text" field',
  xml: 'use "text"',
  inet: 'use "string"',
  tsvector: 'full-text search columns are not supported; keep the source text in a "text" field',
  int4range: 'use two "integer" fields for the bounds',
  array: 'use "json" or "jsonb" to hold a list',
  point: POSTGIS_HINT,
  geometry: POSTGIS_HINT,
  geography: POSTGIS_HINT,
  linestring: POSTGIS_HINT,
  polygon: POSTGIS_HINT,
  multipoint: POSTGIS_HINT,
  multilinestring: POSTGIS_HINT,
  multipolygon: POSTGIS_HINT,
  geometrycollection: POSTGIS_HINT,
};

/** Type names an .apsorc may use that apso's own format does not: a strong sign of an .apsorc. */
const APSORC_ONLY_TYPES = new Set(
  [...Object.keys(TYPE_RULES), ...Object.keys(UNSUPPORTED_TYPES)].filter(
    (t) => !(FIELD_TYPES as readonly string[]).includes(t),
  ),
);

const INTEGER_TYPES = new Set<FieldType>(['integer', 'smallint', 'bigint']);
const NUMBER_TYPES = new Set<FieldType>(['integer', 'smallint', 'bigint', 'decimal', 'float']);
const TEXT_TYPES = new Set<FieldType>(['string', 'text', 'email']);

// ---------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------

type DefaultValue = JsonValue | { sql: string };

const SQL_KEYWORDS = /^(current_timestamp|current_date|current_time|localtimestamp|localtime|current_user|session_user)$/i;
const SQL_CALL = /^[A-Za-z_][A-Za-z0-9_.]*\s*\(.*\)(\s*::\s*[A-Za-z][A-Za-z0-9_ ]*(\[\])?)?$/s;
const CAST_LITERAL = /^'((?:[^']|'')*)'\s*::\s*[A-Za-z][A-Za-z0-9_ ]*(\[\])?$/s;
const QUOTED = /^'((?:[^']|'')*)'$/s;
const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BOOLEAN_TEXT: Record<string, boolean> = { true: true, t: true, yes: true, on: true, '1': true, false: false, f: false, no: false, off: false, '0': false };

/** `'active'` and `'active'::character varying` are SQL literals: the value is `active`. */
function unquote(s: string): string | undefined {
  const m = QUOTED.exec(s) ?? CAST_LITERAL.exec(s);
  return m ? m[1].replace(/''/g, "'") : undefined;
}

function isSqlExpression(s: string): boolean {
  return SQL_KEYWORDS.test(s) || SQL_CALL.test(s);
}

/**
 * A number a double holds exactly (15 significant digits) becomes a JSON number; a longer one
 * becomes an SQL numeric literal, so that no digit is lost on the way to the database.
 */
function numericLiteral(s: string): number | { sql: string } {
  const digits = s.replace(/[eE].*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '');
  return digits.length <= 15 ? Number(s) : { sql: s.replace(/^\+/, '') };
}

/**
 * Turns an .apsorc default into the value apso writes to the database, exactly as the user meant it.
 * Returns `undefined` for "no default".
 */
function convertDefault(
  raw: unknown,
  type: FieldType,
  values: string[] | undefined,
  pointer: string,
  d: Diagnostics,
): DefaultValue | undefined {
  if (raw === null) return undefined;
  if (typeof raw === 'string' && raw.trim().toUpperCase() === 'NULL') {
    d.warn(pointer, `default ${q(raw)} is read as "no default" (SQL NULL)`);
    return undefined;
  }
  if (type === 'json' || type === 'jsonb') {
    if (typeof raw !== 'string') return raw as JsonValue;
    if (isSqlExpression(raw) || /::/.test(raw)) return { sql: raw };
    const text = unquote(raw) ?? raw;
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text;
    }
  }
  if (isRecord(raw) || Array.isArray(raw)) {
    d.error(pointer, `default must be a single value for a ${type} field, not ${describe(raw)}`);
    return undefined;
  }
  const text = typeof raw === 'string' ? raw.trim() : undefined;

  if (type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 0 || raw === 1) return raw === 1;
    const key = text === undefined ? undefined : (unquote(text) ?? text).toLowerCase();
    if (key !== undefined && key in BOOLEAN_TEXT) return BOOLEAN_TEXT[key];
    d.error(pointer, `default ${describe(raw)} is not a boolean; write true or false`);
    return undefined;
  }

  if (type === 'enum') {
    const value = text === undefined ? String(raw) : (unquote(text) ?? text);
    if (values && !values.includes(value)) {
      d.error(pointer, `default ${q(value)} is not one of the enum's values (${values.map(q).join(', ')}); use one of them or remove the default`);
      return undefined;
    }
    return value;
  }

  if (NUMBER_TYPES.has(type)) {
    if (typeof raw === 'number') {
      if (INTEGER_TYPES.has(type) && !Number.isInteger(raw)) {
        d.error(pointer, `default ${raw} is not a whole number, but the field is ${type}`);
        return undefined;
      }
      return raw;
    }
    if (text !== undefined && isSqlExpression(text)) return { sql: text };
    const value = text === undefined ? undefined : (unquote(text) ?? text);
    if (value !== undefined && INTEGER_TYPES.has(type) && INTEGER_TEXT.test(value)) return numericLiteral(value);
    if (value !== undefined && !INTEGER_TYPES.has(type) && NUMBER_TEXT.test(value)) return numericLiteral(value);
    d.error(pointer, `default ${describe(raw)} is not a ${INTEGER_TYPES.has(type) ? 'whole number' : 'number'}, but the field is ${type}`);
    return undefined;
  }

  if (TEXT_TYPES.has(type)) {
    if (text === undefined) return String(raw);
    const literal = unquote(text);
    if (literal !== undefined) return literal;
    if (isSqlExpression(text)) {
      d.warn(pointer, `default ${q(raw as string)} on a ${type} field is read as an SQL expression; write ${q(`'${text}'`)} for the literal text`);
      return { sql: text };
    }
    return raw as string;
  }

  // uuid, date, time, timestamp, interval
  if (text === undefined) {
    d.error(pointer, `default ${describe(raw)} does not fit a ${type} field; write it as a string`);
    return undefined;
  }
  if (isSqlExpression(text)) return { sql: text };
  const value = unquote(text) ?? text;
  const problem = TEMPORAL_FORMATS[type]?.(value);
  if (problem) {
    d.error(pointer, `default ${q(value)} ${problem}`);
    return undefined;
  }
  return value;
}

/** What apso accepts as a literal for these types (anything else must be an SQL expression). */
const TEMPORAL_FORMATS: Partial<Record<FieldType, (value: string) => string | undefined>> = {
  uuid: (v) => (UUID_TEXT.test(v) ? undefined : 'is not a UUID; use a UUID literal or an SQL call such as "gen_random_uuid()"'),
  date: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : 'is not a date like "2024-01-31"; or use an SQL expression such as "CURRENT_DATE"'),
  time: (v) => (/^\d{2}:\d{2}(:\d{2})?$/.test(v) ? undefined : 'is not a time like "09:30" or "09:30:00"'),
  timestamp: (v) => (Number.isNaN(Date.parse(v)) ? 'is not an ISO 8601 timestamp like "2024-01-31T09:30:00Z"; or use an SQL expression such as "now()"' : undefined),
};

// ---------------------------------------------------------------------------------------------
// Drafts
// ---------------------------------------------------------------------------------------------

interface FieldDraft {
  pointer: string;
  rawName: string;
  spec: FieldSpec;
  unique: boolean;
  index: boolean;
  mergedInto?: Slot;
}

interface IndexRequest {
  fields: string[];
  unique: boolean;
  name?: string;
}

interface EntityDraft {
  pointer: string;
  raw: Rec;
  rawName: string;
  name: string;
  table?: string;
  description?: string;
  primaryKey: PrimaryKeyType;
  timestamps: boolean;
  softDelete: boolean;
  fields: FieldDraft[];
  /** Raw field name and camelCase name -> field, for index look-ups and FK merges. */
  fieldByName: Map<string, FieldDraft>;
  slots: Slot[];
  indexRequests: IndexRequest[];
}

/** A validated relationship declaration (from `relationships` or a v1 `associations` entry). */
interface RelDecl {
  pointer: string;
  from: EntityDraft;
  to: EntityDraft;
  type: RelationType;
  toName?: string;
  /** Where the property name is written: `to_name`, or `reference_name` in a v1 association. */
  toNamePointer: string;
  nullable?: boolean;
  biDirectional?: boolean;
  cascade: boolean;
  index: boolean;
  joinTable?: string;
  /** ManyToMany: this side asked for the join table (joinTableName, join columns, v1 join_table). */
  ownsJoin: boolean;
}

/** A relation property on one entity: the declared side or the inverse of an edge. */
interface Slot {
  entity: EntityDraft;
  edge: Edge;
  base: string;
  explicit: boolean;
  /** Where the explicit name came from, for errors. */
  namePointer: string;
  name: string;
  holdsFk: boolean;
  /** A field had the name, so the relation became `<base>Ref`. */
  refRenamed?: boolean;
}

/** One relation, emitted as one RelationSpec on `declSlot.entity`. */
interface Edge {
  pointer: string;
  type: RelationType;
  target: EntityDraft;
  declSlot: Slot;
  inverseSlot?: Slot;
  nullable?: boolean;
  nullablePointer: string;
  cascade: boolean;
  index: boolean;
  joinTable?: string;
}

const INVERSE_TYPE: Record<RelationType, RelationType> = {
  OneToMany: 'ManyToOne',
  ManyToOne: 'OneToMany',
  OneToOne: 'OneToOne',
  ManyToMany: 'ManyToMany',
};
const TO_MANY = new Set<RelationType>(['OneToMany', 'ManyToMany']);
const BOOKKEEPING = new Set(['createdAt', 'updatedAt', 'deletedAt']);
/** Properties apso adds itself; no relation may take these names. */
const RESERVED = new Set(['id', 'version', ...BOOKKEEPING]);

const KNOWN_TOP = new Set(['version', 'rootFolder', 'apiType', 'language', 'entities', 'relationships', 'auth', 'emitEvents', 'http', '_removedEntities', 'coAuthor', 'stackId', 'buildType', 'serviceId', 'serviceName', '$schema']);
const KNOWN_ENTITY = new Set(['name', 'table', 'description', 'created_at', 'updated_at', 'primaryKeyType', 'fields', 'indexes', 'uniques', 'scopeBy', 'scopeOptions', 'emitEvents', 'http', 'associations']);
const KNOWN_FIELD = new Set(['name', 'type', 'nullable', 'default', 'unique', 'isUnique', 'index', 'isIndex', 'primary', 'length', 'precision', 'scale', 'values', 'is_email', 'description', 'elementType']);
const KNOWN_RELATIONSHIP = new Set(['from', 'to', 'type', 'to_name', 'nullable', 'bi_directional', 'cascadeDelete', 'index', 'joinTableName', 'joinColumnName', 'inverseJoinColumnName']);

function optionalBoolean(o: Rec, key: string, pointer: string, d: Diagnostics): boolean | undefined {
  if (!has(o, key) || o[key] === null) return undefined;
  const v = o[key];
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') {
    d.warn(ptr(pointer, key), `${q(key)} is the string ${q(v)}; read as the boolean ${v}`);
    return v === 'true';
  }
  d.error(ptr(pointer, key), `${q(key)} must be true or false, not ${describe(v)}`);
  return undefined;
}

function optionalInteger(o: Rec, key: string, pointer: string, d: Diagnostics, min: number, max: number): number | undefined {
  if (!has(o, key) || o[key] === null) return undefined;
  const v = typeof o[key] === 'string' && INTEGER_TEXT.test(o[key] as string) ? Number(o[key]) : o[key];
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  d.error(ptr(pointer, key), `${q(key)} must be a whole number from ${min} to ${max}, not ${describe(o[key])}`);
  return undefined;
}

/** A name for a PostgreSQL object (table, index, join table): kept, or made lowercase snake_case with a warning. */
function sqlName(value: unknown, pointer: string, what: string, d: Diagnostics): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    d.error(pointer, `${what} must be a non-empty string, not ${describe(value)}`);
    return undefined;
  }
  if (SQL_NAME.test(value) && value.length <= 63) return value;
  const fixed = value.trim().toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+(?=[0-9])/, '');
  if (SQL_NAME.test(fixed) && fixed.length <= 63) {
    d.warn(pointer, `${what} ${q(value)} is written as ${q(fixed)}: apso names database objects in lowercase snake_case`);
    return fixed;
  }
  d.error(pointer, `${what} ${q(value)} is not a usable PostgreSQL name; use lowercase letters, digits and underscores, at most 63 characters`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Entities and fields
// ---------------------------------------------------------------------------------------------

function readTimestamps(e: Rec, pointer: string, d: Diagnostics): boolean {
  const created = optionalBoolean(e, 'created_at', pointer, d);
  const updated = optionalBoolean(e, 'updated_at', pointer, d);
  if (created === undefined && updated === undefined) return true;
  if ((created === true) !== (updated === true)) {
    const only = created === true ? 'created_at' : 'updated_at';
    d.warn(pointer, `only ${only} is true; apso's timestamps are created_at and updated_at together, so both columns are added`);
  }
  return created === true || updated === true;
}

function readPrimaryKeyType(e: Rec, pointer: string, d: Diagnostics): PrimaryKeyType | undefined {
  if (!has(e, 'primaryKeyType')) return undefined;
  const v = e.primaryKeyType;
  const at = ptr(pointer, 'primaryKeyType');
  const key = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  if (key === 'serial' || key === 'integer' || key === 'int' || key === 'bigserial' || key === 'bigint') return 'integer';
  if (key === 'uuid') return 'uuid';
  if (key === 'text' || key === 'varchar' || key === 'string') {
    d.warn(at, `primaryKeyType ${q(v as string)} is not supported (apso's keys are generated, either uuid or integer); using uuid`);
    return 'uuid';
  }
  d.error(at, `unknown primaryKeyType ${describe(v)}${typeof v === 'string' ? didYouMean(v, ['serial', 'uuid']) : ''}; use "serial" or "uuid"`);
  return undefined;
}

interface IdField {
  type: PrimaryKeyType;
  pointer: string;
}

/** The result of reading one field: kept, the primary key, a bookkeeping column, or skipped. */
type FieldOutcome =
  | { kind: 'field'; draft: FieldDraft }
  | { kind: 'id'; id?: IdField }
  | { kind: 'bookkeeping'; column: 'createdAt' | 'updatedAt' | 'deletedAt' }
  | { kind: 'skip' };

function readIdField(f: Rec, pointer: string, d: Diagnostics): IdField | undefined {
  const type = typeof f.type === 'string' ? f.type.trim().toLowerCase() : undefined;
  const at = ptr(pointer, 'type');
  if (type === undefined || type === 'serial' || type === 'integer' || type === 'int') return { type: 'integer', pointer };
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

function readField(f: unknown, pointer: string, d: Diagnostics): FieldOutcome {
  if (!isRecord(f)) {
    d.error(pointer, `a field must be an object with "name" and "type", not ${describe(f)}`);
    return { kind: 'skip' };
  }
  if (typeof f.name !== 'string' || f.name.trim() === '') {
    d.error(ptr(pointer, 'name'), `the field has no "name"; give it a name such as "title"`);
    return { kind: 'skip' };
  }
  const rawName = f.name;
  if (/[^\x20-\x7E]/.test(rawName)) {
    d.error(ptr(pointer, 'name'), `field name ${q(rawName)} has characters other than ASCII letters, digits and underscores`);
    return { kind: 'skip' };
  }
  let name = camelCase(rawName);
  if (!IDENTIFIER.test(name)) {
    d.error(ptr(pointer, 'name'), `field name ${q(rawName)} cannot become a property name; use letters, digits and underscores, starting with a letter`);
    return { kind: 'skip' };
  }
  if (name === 'id') return { kind: 'id', id: readIdField(f, pointer, d) };
  if (BOOKKEEPING.has(name)) return { kind: 'bookkeeping', column: name as 'createdAt' | 'updatedAt' | 'deletedAt' };

  for (const key of Object.keys(f)) {
    if (!KNOWN_FIELD.has(key)) d.warn(ptr(pointer, key), `unknown field option ${q(key)} is ignored${didYouMean(key, KNOWN_FIELD)}`);
  }
  if (name === 'version') {
    name = 'versionValue';
    d.warn(ptr(pointer, 'name'), `field ${q(rawName)} is named "versionValue" (column version_value): apso keeps "version" for its optimistic-locking column`);
  } else if (name !== rawName && !CLEAN_SNAKE.test(rawName)) {
    d.warn(ptr(pointer, 'name'), `field ${q(rawName)} is named ${q(name)} (column ${snakeCase(name)})`);
  }

  // Type.
  const typeAt = ptr(pointer, 'type');
  if (typeof f.type !== 'string' || f.type.trim() === '') {
    d.error(typeAt, `field ${q(rawName)} has no "type"; use one of ${['string', 'text', 'integer', 'boolean', 'timestamp', '…'].join(', ')}`);
    return { kind: 'skip' };
  }
  const typeText = f.type.trim().toLowerCase().replace(/\s+/g, ' ');
  if (typeText.endsWith('[]')) {
    d.error(typeAt, `type ${q(f.type)} is an array, which apso does not support; ${UNSUPPORTED_TYPES.array}`);
    return { kind: 'skip' };
  }
  const params = /^([a-z][a-z0-9 _-]*?)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(typeText);
  const typeKey = params ? params[1] : typeText;
  const rule = TYPE_RULES[typeKey];
  if (!rule) {
    const hint = UNSUPPORTED_TYPES[typeKey];
    if (hint) d.error(typeAt, `type ${q(f.type)} is not supported by apso; ${hint}`);
    else d.error(typeAt, `unknown type ${q(f.type)}${didYouMean(typeKey, Object.keys(TYPE_RULES))}`);
    return { kind: 'skip' };
  }
  let type: FieldType = rule.type;

  const spec: FieldSpec = { name, type };
  const nullable = optionalBoolean(f, 'nullable', pointer, d);
  let unique = optionalBoolean(f, 'unique', pointer, d) === true || optionalBoolean(f, 'isUnique', pointer, d) === true;
  const index = optionalBoolean(f, 'index', pointer, d) === true || optionalBoolean(f, 'isIndex', pointer, d) === true;
  const isEmail = optionalBoolean(f, 'is_email', pointer, d) === true;

  const primary = optionalBoolean(f, 'primary', pointer, d) === true;
  if (primary) {
    d.warn(ptr(pointer, 'primary'), `apso's primary key is always "id"; ${q(rawName)} becomes a unique, required column`);
    unique = true;
  }
  if (rule.serial) {
    d.warn(typeAt, `${q(typeKey)} on a field other than id becomes a plain ${type}: apso does not auto-increment ordinary columns`);
  }
  if (rule.timezoneDropped) {
    d.warn(typeAt, `${q(typeKey)} becomes "time": apso stores times of day without a zone offset`);
  }

  // Enum values (an enum, or a string-like field that lists its values).
  let values: string[] | undefined;
  if (has(f, 'values')) {
    const valuesAt = ptr(pointer, 'values');
    const stringLike = type === 'string' || type === 'text';
    if (type !== 'enum' && !stringLike) {
      d.warn(valuesAt, `"values" only applies to enum fields; ignored on a ${typeKey} field`);
    } else if (!Array.isArray(f.values) || f.values.length === 0) {
      d.error(valuesAt, `"values" must be a non-empty list of strings`);
      if (type === 'enum') return { kind: 'skip' };
    } else {
      values = readEnumValues(f.values, valuesAt, d);
      if (values && stringLike) {
        d.warn(typeAt, `${typeKey} field ${q(rawName)} lists values, so it becomes an enum (${values.map(q).join(', ')}); the APSO CLI ignored the list`);
        type = 'enum';
        spec.type = 'enum';
      }
    }
  }
  if (type === 'enum') {
    if (!values) {
      if (!has(f, 'values')) d.error(typeAt, `enum field ${q(rawName)} has no "values"; list the allowed values`);
      return { kind: 'skip' };
    }
    spec.values = values;
  }

  if (isEmail) {
    if (type === 'string' || type === 'text' || type === 'email') type = spec.type = 'email';
    else d.warn(ptr(pointer, 'is_email'), `"is_email" only applies to text fields; ignored on a ${typeKey} field`);
  }

  // Length, precision, scale.
  const length = optionalInteger(f, 'length', pointer, d, 1, 10485760);
  if (type === 'string' || type === 'email') {
    const given = length ?? (params && !params[3] ? Number(params[2]) : undefined);
    const value = given ?? (rule.char ? 1 : rule.defaultLength);
    if (value !== undefined) spec.length = value;
    if (rule.char) d.warn(typeAt, `"char" becomes a string of at most ${value} characters: apso does not pad values with spaces`);
  } else if (length !== undefined) {
    d.warn(ptr(pointer, 'length'), `"length" only applies to string fields; ignored on a ${typeKey} field`);
  }
  const precision = optionalInteger(f, 'precision', pointer, d, 1, 1000);
  const scale = optionalInteger(f, 'scale', pointer, d, 0, 1000);
  if (type === 'decimal') {
    const fallback = rule.money ? [19, 4] : [10, 2];
    // numeric(p) means scale 0 in PostgreSQL; APSO's own defaults are precision 10, scale 2.
    spec.precision = precision ?? (params ? Number(params[2]) : fallback[0]);
    spec.scale = scale ?? (params ? Number(params[3] ?? 0) : fallback[1]);
    if (spec.scale > spec.precision) {
      d.error(ptr(pointer, 'scale'), `scale ${spec.scale} is larger than precision ${spec.precision}; the scale counts digits after the point and must not exceed the precision`);
    }
    if (rule.money) {
      d.warn(typeAt, `"money" becomes decimal(${spec.precision},${spec.scale}): PostgreSQL sends money as locale-formatted text (such as "$1,234.50"), which clients cannot parse reliably`);
    }
  } else {
    if (precision !== undefined) d.warn(ptr(pointer, 'precision'), `"precision" only applies to decimal fields; ignored on a ${typeKey} field`);
    if (scale !== undefined) d.warn(ptr(pointer, 'scale'), `"scale" only applies to decimal fields; ignored on a ${typeKey} field`);
  }

  if (nullable && !primary) spec.nullable = true;
  if (has(f, 'default')) {
    const value = convertDefault(f.default, type, values, ptr(pointer, 'default'), d);
    if (typeof value === 'string' && spec.length !== undefined && value.length > spec.length) {
      d.error(ptr(pointer, 'default'), `default ${q(value)} is longer than the field's length ${spec.length}`);
    } else if (value !== undefined) {
      spec.default = value;
    }
  } else if (!nullable && typeKey === 'enum') {
    d.warn(pointer, `enum field ${q(rawName)} has no default; the APSO CLI silently used its first value ${q(values![0])}, apso adds none (add "default" if clients rely on it)`);
  } else if (!nullable && type === 'boolean') {
    d.warn(pointer, `boolean field ${q(rawName)} has no default; the APSO CLI silently used true, apso adds none (add "default" if clients rely on it)`);
  }
  if (typeof f.description === 'string' && f.description.trim() !== '') spec.description = f.description;
  if (has(f, 'elementType')) d.warn(ptr(pointer, 'elementType'), `"elementType" only applies to array fields; ignored`);

  return { kind: 'field', draft: { pointer, rawName, spec, unique, index } };
}

function readEnumValues(list: unknown[], pointer: string, d: Diagnostics): string[] | undefined {
  const values: string[] = [];
  let ok = true;
  let unquoted = false;
  list.forEach((v, i) => {
    let value: string;
    if (typeof v === 'string') value = v;
    else if (typeof v === 'number' || typeof v === 'boolean') {
      value = String(v);
      d.warn(ptr(pointer, i), `enum value ${String(v)} is written as the text ${q(value)}`);
    } else {
      d.error(ptr(pointer, i), `enum value must be a string, not ${describe(v)}`);
      ok = false;
      return;
    }
    const literal = unquote(value.trim());
    if (literal !== undefined) {
      value = literal;
      unquoted = true;
    }
    if (value === '' || value.length > 63) {
      d.error(ptr(pointer, i), `enum value ${q(value)} must have 1 to 63 characters (a PostgreSQL enum label limit)`);
      ok = false;
      return;
    }
    if (values.includes(value)) {
      d.error(ptr(pointer, i), `enum value ${q(value)} is listed twice`);
      ok = false;
      return;
    }
    values.push(value);
  });
  if (unquoted) d.warn(pointer, `enum values written as SQL literals (${q("'active'")}) are read without their quotes`);
  return ok ? values : undefined;
}

function readEntity(e: unknown, index: number, d: Diagnostics): EntityDraft | undefined {
  const pointer = ptr('', 'entities', index);
  if (!isRecord(e)) {
    d.error(pointer, `an entity must be an object with a "name" and "fields", not ${describe(e)}`);
    return undefined;
  }
  if (typeof e.name !== 'string' || e.name.trim() === '') {
    d.error(ptr(pointer, 'name'), `the entity has no "name"; give it a PascalCase name such as "Customer"`);
    return undefined;
  }
  const rawName = e.name;
  const name = /[^\x20-\x7E]/.test(rawName) ? '' : pascalCase(rawName);
  if (!ENTITY_NAME.test(name)) {
    d.error(ptr(pointer, 'name'), `entity name ${q(rawName)} cannot become a class name; use letters and digits, starting with a letter`);
    return undefined;
  }
  if (name !== rawName) d.warn(ptr(pointer, 'name'), `entity ${q(rawName)} is named ${q(name)}`);

  for (const key of Object.keys(e)) {
    if (!KNOWN_ENTITY.has(key)) d.warn(ptr(pointer, key), `unknown entity option ${q(key)} is ignored${didYouMean(key, KNOWN_ENTITY)}`);
  }
  if (has(e, 'scopeBy')) d.warn(ptr(pointer, 'scopeBy'), `"scopeBy" (row scoping) is not imported yet; every row is visible to every caller`);
  if (has(e, 'scopeOptions')) d.warn(ptr(pointer, 'scopeOptions'), `"scopeOptions" is not imported yet; ignored`);
  if (e.emitEvents === true) d.warn(ptr(pointer, 'emitEvents'), `"emitEvents" (domain events) is not imported yet; ignored`);
  if (e.http === false) d.warn(ptr(pointer, 'http'), `"http": false is not imported yet; the entity still gets its REST controller`);

  const entity: EntityDraft = {
    pointer,
    raw: e,
    rawName,
    name,
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

  const declaredKey = readPrimaryKeyType(e, pointer, d);
  let idField: IdField | undefined;

  if (has(e, 'fields') && !Array.isArray(e.fields)) {
    d.error(ptr(pointer, 'fields'), `"fields" must be a list of fields, not ${describe(e.fields)}`);
  }
  const rawFields = Array.isArray(e.fields) ? e.fields : [];
  const seen = new Map<string, string>();
  rawFields.forEach((f, j) => {
    const at = ptr(pointer, 'fields', j);
    const outcome = readField(f, at, d);
    const rawFieldName = isRecord(f) && typeof f.name === 'string' ? f.name : '';
    if (outcome.kind === 'skip') return;
    const property = outcome.kind === 'field' ? outcome.draft.spec.name : outcome.kind === 'id' ? 'id' : outcome.column;
    const first = seen.get(property);
    if (first !== undefined) {
      d.error(ptr(at, 'name'), `field ${q(rawFieldName)} has the same property name ${q(property)} as field ${q(first)}; rename one of them`);
      return;
    }
    seen.set(property, rawFieldName);
    if (outcome.kind === 'id') {
      idField = outcome.id;
    } else if (outcome.kind === 'bookkeeping') {
      if (outcome.column === 'deletedAt') {
        entity.softDelete = true;
        d.warn(at, `field ${q(rawFieldName)} is apso's soft-delete column: softDelete is turned on, so DELETE hides rows instead of removing them`);
      } else {
        const was = entity.timestamps;
        entity.timestamps = true;
        d.warn(at, `field ${q(rawFieldName)} is dropped: apso's timestamps already provide created_at and updated_at${was ? '' : ', so they are turned on'}`);
      }
    } else {
      entity.fields.push(outcome.draft);
      entity.fieldByName.set(outcome.draft.spec.name, outcome.draft);
      entity.fieldByName.set(rawFieldName, outcome.draft);
    }
  });

  if (idField) {
    entity.primaryKey = idField.type;
    if (declaredKey !== undefined && declaredKey !== idField.type) {
      d.warn(ptr(idField.pointer, 'type'), `the id field says ${idField.type} but primaryKeyType says ${declaredKey}; the id field wins`);
    }
  } else if (declaredKey !== undefined) {
    entity.primaryKey = declaredKey;
  }
  return entity;
}

// ---------------------------------------------------------------------------------------------
// Relationships
// ---------------------------------------------------------------------------------------------

interface RawRelationship {
  pointer: string;
  raw: unknown;
  /** v1 `join_table: true`. */
  v1JoinTable?: boolean;
}

/** Converts v1 `entity.associations` the way the APSO CLI does (parse-v1.ts), as v2 relationships. */
function v1Relationships(rawEntities: unknown[], d: Diagnostics): RawRelationship[] {
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
          : assocs(target).find((b) => isRecord(b) && b.name === e.name && b.type === inverseType) as Rec | undefined;
      if (a.type === 'ManyToOne' && inverse) return; // the OneToMany side declares it
      let biDirectional = inverse !== undefined;
      if (a.type === 'ManyToMany' && inverse) {
        if (a.join_table !== true && inverse.join_table === true) return; // the other side owns it
        if (a.join_table === true && inverse.join_table === true) biDirectional = false;
      }
      const index = a.type === 'OneToMany' && inverse ? inverse.index === true : a.index;
      const nullable = a.nullable === true || inverse?.nullable === true ? true : a.nullable === false || inverse?.nullable === false ? false : undefined;
      for (const key of Object.keys(a)) {
        if (!['name', 'type', 'join_table', 'reference_name', 'nested', 'nullable', 'index'].includes(key)) {
          d.warn(ptr(pointer, key), `unknown association option ${q(key)} is ignored`);
        }
      }
      out.push({
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
      });
    });
  });
  return out;
}

function findEntity(
  value: unknown,
  pointer: string,
  role: string,
  byRawName: Map<string, EntityDraft>,
  byName: Map<string, EntityDraft>,
  d: Diagnostics,
): EntityDraft | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    d.error(pointer, `the relationship has no ${q(role)} entity; name one of the entities`);
    return undefined;
  }
  const hit = byRawName.get(value) ?? byName.get(pascalCase(value));
  if (!hit) d.error(pointer, `relationship ${role} unknown entity ${q(value)}${didYouMean(value, byRawName.keys())}`);
  return hit;
}

function readRelationship(
  r: RawRelationship,
  byRawName: Map<string, EntityDraft>,
  byName: Map<string, EntityDraft>,
  d: Diagnostics,
): RelDecl | undefined {
  const { pointer, raw } = r;
  if (!isRecord(raw)) {
    d.error(pointer, `a relationship must be an object with "from", "to" and "type", not ${describe(raw)}`);
    return undefined;
  }
  const v1 = pointer.includes('/associations/');
  const at = (key: string): string => (v1 ? ptr(pointer, key === 'to' ? 'name' : key === 'to_name' ? 'reference_name' : key) : ptr(pointer, key));
  if (!v1) {
    for (const key of Object.keys(raw)) {
      if (!KNOWN_RELATIONSHIP.has(key)) d.warn(ptr(pointer, key), `unknown relationship option ${q(key)} is ignored${didYouMean(key, KNOWN_RELATIONSHIP)}`);
    }
  }
  const from = v1 ? byRawName.get(raw.from as string) : findEntity(raw.from, at('from'), 'from', byRawName, byName, d);
  const to = findEntity(raw.to, at('to'), 'to', byRawName, byName, d);

  let type: RelationType | undefined;
  if (typeof raw.type === 'string') {
    type = RELATION_TYPES.find((t) => t.toLowerCase() === (raw.type as string).trim().toLowerCase());
  }
  if (!type) {
    const said = has(raw, 'type') ? `unknown relationship type ${describe(raw.type)}${typeof raw.type === 'string' ? didYouMean(raw.type, RELATION_TYPES) : ''}` : `the relationship has no "type"`;
    d.error(at('type'), `${said}; use one of ${RELATION_TYPES.join(', ')}`);
  }

  let toName: string | undefined;
  if (has(raw, 'to_name') && raw.to_name !== null) {
    const camel = typeof raw.to_name === 'string' ? camelCase(raw.to_name) : '';
    if (!IDENTIFIER.test(camel)) {
      d.error(at('to_name'), `to_name ${describe(raw.to_name)} cannot become a property name; use letters and digits, starting with a letter`);
    } else {
      toName = camel;
    }
  }
  const nullable = optionalBoolean(raw, 'nullable', pointer, d);
  const biDirectional = optionalBoolean(raw, 'bi_directional', pointer, d);
  const cascade = optionalBoolean(raw, 'cascadeDelete', pointer, d) === true;
  const index = optionalBoolean(raw, 'index', pointer, d) === true;

  let joinTable: string | undefined;
  if (has(raw, 'joinTableName')) {
    if (type === 'ManyToMany') joinTable = sqlName(raw.joinTableName, ptr(pointer, 'joinTableName'), 'joinTableName', d);
    else d.warn(ptr(pointer, 'joinTableName'), `"joinTableName" only applies to ManyToMany relationships; ignored`);
  }
  for (const key of ['joinColumnName', 'inverseJoinColumnName']) {
    if (has(raw, key)) d.warn(ptr(pointer, key), `${q(key)} is not supported: apso names join-table columns after the two entities (<entity>_id); ignored`);
  }
  if (!from || !to || !type) return undefined;
  if (toName !== undefined && TO_MANY.has(type) && plural(toName) !== toName) {
    d.warn(at('to_name'), `the property is named ${q(toName)} as written; the APSO CLI pluralised it to ${q(plural(toName))}`);
  }
  if (cascade && type === 'ManyToMany') d.warn(ptr(pointer, 'cascadeDelete'), `"cascadeDelete" has no meaning on a ManyToMany relationship; ignored`);
  if (index && type === 'ManyToMany') d.warn(ptr(pointer, 'index'), `"index" has no meaning on a ManyToMany relationship; ignored`);
  return {
    pointer,
    from,
    to,
    type,
    toName,
    toNamePointer: at('to_name'),
    nullable,
    biDirectional,
    cascade: cascade && type !== 'ManyToMany',
    index: index && type !== 'ManyToMany',
    joinTable,
    ownsJoin: joinTable !== undefined || has(raw, 'joinColumnName') || has(raw, 'inverseJoinColumnName') || r.v1JoinTable === true,
  };
}

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
function groupDeclarations(decls: RelDecl[]): RelDecl[][] {
  const groups: RelDecl[][] = [];
  for (const r of decls) {
    const partner = groups.find((g) => {
      if (g.length !== 1) return false;
      const e = g[0];
      if (e.from !== r.to || e.to !== r.from || INVERSE_TYPE[e.type] !== r.type) return false;
      if (e.type === 'OneToMany' || e.type === 'ManyToOne') {
        return declBase(r).base === inverseBase(e.type, e.from) && inverseBase(r.type, r.from) === declBase(e).base;
      }
      // OneToOne / ManyToMany: a self-reference pairs only when both sides are named differently.
      if (e.from === e.to) return e.toName !== undefined && r.toName !== undefined && e.toName !== r.toName;
      return true;
    });
    if (partner) partner.push(r);
    else groups.push([r]);
  }
  return groups;
}

function makeSlot(entity: EntityDraft, edge: Edge, plan: NamePlan, holdsFk: boolean): Slot {
  const slot: Slot = { entity, edge, base: plan.base, explicit: plan.explicit, namePointer: plan.namePointer, name: plan.base, holdsFk };
  entity.slots.push(slot);
  return slot;
}

interface NamePlan {
  base: string;
  explicit: boolean;
  namePointer: string;
}

function buildEdge(group: RelDecl[], d: Diagnostics): Edge {
  let [first, second] = group;
  // ManyToMany: the side that asked for the join table (joinTableName, v1 join_table) owns it.
  if (first.type === 'ManyToMany' && second?.ownsJoin && !first.ownsJoin) [first, second] = [second, first];
  const type = first.type;
  let from = first.from;
  let to = first.to;
  let decl: NamePlan = { ...declBase(first), namePointer: first.toNamePointer };
  let inverse: NamePlan | undefined;
  const twoSided =
    type === 'OneToMany' || second !== undefined || (type === 'ManyToOne' ? first.biDirectional !== false : first.biDirectional === true);
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
    nullablePointer: ptr(first.nullable !== undefined || second === undefined ? first.pointer : second.pointer, 'nullable'),
    cascade: first.cascade || second?.cascade === true,
    index: first.index || second?.index === true,
    joinTable: first.joinTable ?? second?.joinTable,
  };
  edge.declSlot = makeSlot(from, edge, decl, type === 'ManyToOne' || type === 'OneToOne');
  if (inverse) edge.inverseSlot = makeSlot(to, edge, inverse, type === 'OneToMany');
  return edge;
}

/**
 * Gives every relation property a final, unique name: explicit `to_name`s first (a clash is
 * an error), then defaults in declaration order (`status` -> `statusRef` when a field has the
 * name, `customer` -> `customer2` when another relation has it). A relation also claims the
 * names apso derives from it: `customerId` for a foreign key, `tagIds` for an owning ManyToMany.
 */
function nameSlots(entities: EntityDraft[], d: Diagnostics): void {
  for (const entity of entities) {
    const taken = new Set<string>();
    const fieldNames = new Set(entity.fields.map((f) => f.spec.name));
    const derived = (slot: Slot, name: string): string[] => [
      ...(slot.holdsFk ? [foreignKeyProperty(name)] : []),
      ...(slot.edge.type === 'ManyToMany' && slot === slot.edge.declSlot ? [idsProperty(name)] : []),
    ];
    // A field named like the foreign key (`customerId`) is not a clash: it merges into the relation.
    const fieldClash = (slot: Slot, name: string): boolean =>
      [name, ...derived(slot, name)].some((n) => RESERVED.has(n) || (fieldNames.has(n) && !(slot.holdsFk && n === foreignKeyProperty(name))));
    const slotClash = (slot: Slot, name: string): boolean => [name, ...derived(slot, name)].some((n) => taken.has(n));
    const claim = (slot: Slot, name: string): void => {
      slot.name = name;
      for (const n of [name, ...derived(slot, name)]) taken.add(n);
    };

    const clashed = new Set<Slot>();
    for (const slot of entity.slots.filter((s) => s.explicit)) {
      if (fieldClash(slot, slot.base)) {
        d.error(slot.namePointer, `relation name ${q(slot.base)} clashes with a field of ${entity.name} or a column apso adds itself; choose another to_name`);
        clashed.add(slot);
      } else if (slotClash(slot, slot.base)) {
        d.error(slot.namePointer, `relation name ${q(slot.base)} is already used by another relationship of ${entity.name}; choose another to_name`);
        clashed.add(slot);
      } else {
        claim(slot, slot.base);
      }
    }
    // Defaults in declaration order; a clashing explicit name (already an error) still gets a unique one.
    for (const slot of entity.slots.filter((s) => !s.explicit || clashed.has(s))) {
      const quiet = clashed.has(slot);
      let base = slot.base;
      if (fieldClash(slot, base)) {
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
      for (let n = 2; fieldClash(slot, name) || slotClash(slot, name); n++) name = `${base}${n}`;
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
      claim(slot, name);
    }
  }
}

const otherEnd = (slot: Slot): EntityDraft => (slot === slot.edge.declSlot ? slot.edge.target : slot.edge.declSlot.entity);

/**
 * A scalar foreign-key field next to a relation that creates the same column
 * (`customer_id` next to the relation `customer`) merges into the relation.
 */
function mergeForeignKeyFields(entities: EntityDraft[], d: Diagnostics): void {
  for (const entity of entities) {
    for (const slot of entity.slots.filter((s) => s.holdsFk)) {
      const field =
        entity.fields.find((f) => !f.mergedInto && f.spec.name === foreignKeyProperty(slot.name)) ??
        (slot.refRenamed ? entity.fields.find((f) => !f.mergedInto && f.spec.name === foreignKeyProperty(slot.base)) : undefined);
      if (!field) continue;
      field.mergedInto = slot;
      const target = otherEnd(slot);
      const typeNote =
        field.spec.type === target.primaryKey || (INTEGER_TYPES.has(field.spec.type) && target.primaryKey === 'integer')
          ? ''
          : `; its type ${field.spec.type} becomes ${target.name}'s key type ${target.primaryKey}`;
      d.warn(field.pointer, `field ${q(field.rawName)} is the foreign key of the relation ${q(slot.name)} to ${target.name}, so it is merged into that relation (column ${foreignKeyColumn(slot.name)})${typeNote}`);
    }
  }
}

function resolveNullability(edge: Edge, d: Diagnostics): boolean | undefined {
  if (edge.type === 'ManyToMany') return undefined;
  const fkSlot = edge.type === 'OneToMany' ? edge.inverseSlot! : edge.declSlot;
  const merged = fkSlot.entity.fields.find((f) => f.mergedInto === fkSlot);
  const mergedNullable = merged ? merged.spec.nullable === true : undefined;
  let nullable = edge.nullable;
  if (nullable === undefined) nullable = mergedNullable;
  else if (mergedNullable !== undefined && mergedNullable !== nullable) {
    d.warn(edge.nullablePointer, `the relationship says nullable ${nullable} but field ${q(merged!.rawName)} says ${mergedNullable}; the relationship wins`);
  }
  const selfReference = edge.declSlot.entity === edge.target;
  if (selfReference && nullable === false) {
    const at = edge.nullable === false ? edge.nullablePointer : ptr(merged!.pointer, 'nullable');
    d.warn(at, `a self-reference of ${edge.target.name} must be nullable (the first row has nothing to point to), so it is made nullable`);
  }
  if (selfReference) return true;
  // APSO: ManyToOne keys are NOT NULL unless told otherwise; OneToOne join columns are nullable.
  return nullable ?? edge.type === 'OneToOne';
}

/** Required foreign keys that form a cycle make every insert impossible: the file must relax one. */
function checkRequiredCycles(required: Edge[], d: Diagnostics): void {
  const fk = (edge: Edge) => (edge.type === 'OneToMany' ? edge.inverseSlot! : edge.declSlot);
  const label = (edge: Edge) => `${fk(edge).entity.name}.${fk(edge).name}`;
  const pathFrom = (from: EntityDraft, to: EntityDraft, seen: Set<EntityDraft>): Edge[] | undefined => {
    if (from === to) return [];
    if (seen.has(from)) return undefined;
    seen.add(from);
    for (const edge of required.filter((e) => fk(e).entity === from)) {
      const rest = pathFrom(otherEnd(fk(edge)), to, seen);
      if (rest) return [edge, ...rest];
    }
    return undefined;
  };
  const reported = new Set<string>();
  for (const start of required) {
    const rest = pathFrom(otherEnd(fk(start)), fk(start).entity, new Set());
    if (!rest) continue;
    const cycle = [start, ...rest];
    const key = cycle.map(label).sort().join(',');
    if (reported.has(key)) continue;
    reported.add(key);
    d.error(start.pointer, `required relations form a cycle (${cycle.map(label).join(' → ')}), so no row could ever be inserted; add "nullable": true to one of them`);
  }
}

// ---------------------------------------------------------------------------------------------
// Indexes
// ---------------------------------------------------------------------------------------------

/** The property an index names: a field, a foreign-key relation (by name or column), or apso's own column. */
function resolveIndexField(entity: EntityDraft, value: unknown, pointer: string, d: Diagnostics): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    d.error(pointer, `an index field must be a field name, not ${describe(value)}`);
    return undefined;
  }
  const name = camelCase(value);
  const field = entity.fieldByName.get(value) ?? entity.fieldByName.get(name);
  if (field) return field.mergedInto ? field.mergedInto.name : field.spec.name;
  const fkSlot = entity.slots.find((s) => s.holdsFk && [s.name, foreignKeyProperty(s.name), foreignKeyProperty(s.base)].includes(name));
  if (fkSlot) return fkSlot.name;
  const own: Record<string, string | undefined> = {
    id: undefined,
    createdAt: entity.timestamps ? undefined : 'timestamps are off',
    updatedAt: entity.timestamps ? undefined : 'timestamps are off',
    deletedAt: entity.softDelete ? undefined : 'it has no deleted_at field',
  };
  if (name in own) {
    if (own[name] === undefined) return name;
    d.error(pointer, `${entity.rawName} has no column ${q(value)}: ${own[name]}`);
    return undefined;
  }
  if (entity.slots.some((s) => s.name === name)) {
    d.error(pointer, `${q(value)} is a to-many relation of ${entity.rawName} and has no column to index`);
    return undefined;
  }
  const candidates = [...entity.fields.map((f) => f.rawName), ...entity.slots.filter((s) => s.holdsFk).map((s) => foreignKeyColumn(s.name))];
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
      d.error(isRecord(item) ? ptr(at, 'fields') : at, `an entry of ${q(key)} needs "fields", a non-empty list of field names`);
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
function finishIndexes(entity: EntityDraft): IndexSpec[] {
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
    const field = request.fields.length === 1 && request.name === undefined ? entity.fields.find((f) => !f.mergedInto && f.spec.name === request.fields[0]) : undefined;
    if (field) {
      if (request.unique) field.spec.unique = true;
      else field.spec.index = true;
      continue;
    }
    specs.push({ ...(request.name !== undefined ? { name: request.name } : {}), fields: request.fields, ...(request.unique ? { unique: true } : {}) });
  }
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------------------------

function readTopLevel(top: Rec, d: Diagnostics): void {
  for (const key of Object.keys(top)) {
    if (!KNOWN_TOP.has(key)) d.warn(ptr('', key), `unknown top-level option ${q(key)} is ignored${didYouMean(key, KNOWN_TOP)}`);
  }
  const lower = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim().toLowerCase() : undefined);
  if (has(top, 'auth')) d.warn('/auth', `"auth" is not imported yet; the generated API has no authentication`);
  if (top.emitEvents === true) d.warn('/emitEvents', `"emitEvents" (domain events) is not imported yet; ignored`);
  if (top.http === false) d.warn('/http', `"http": false is not imported yet; every entity still gets its REST controller`);
  if (has(top, 'rootFolder') && lower(top.rootFolder) !== 'src') d.warn('/rootFolder', `"rootFolder" is ignored; apso always generates into src/`);
  if (has(top, 'apiType') && lower(top.apiType) !== 'rest') d.warn('/apiType', `"apiType" ${describe(top.apiType)} is ignored; apso generates a REST API`);
  if (has(top, 'language') && !['typescript', 'ts'].includes(lower(top.language) ?? '')) {
    d.warn('/language', `"language" ${describe(top.language)} is ignored; apso generates TypeScript (NestJS)`);
  }
  if (has(top, 'version') && top.version !== 1 && top.version !== 2) {
    d.warn('/version', `unknown version ${describe(top.version)}; read as version 2`);
  }
}

function documentName(top: Rec): string | undefined {
  if (typeof top.serviceName !== 'string') return undefined;
  const slug = top.serviceName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '');
  return slug === '' ? undefined : slug;
}

export function importApsorc(raw: unknown): ApsorcImport {
  const d = new Diagnostics();
  const empty = (): ApsorcImport => ({ document: { version: 1, entities: [] }, errors: d.errors, warnings: d.warnings });

  const parsed = parseText(raw);
  if (parsed.error !== undefined) {
    d.error('', parsed.error);
    return empty();
  }
  const top = parsed.value;
  if (!isRecord(top)) {
    d.error('', `an .apsorc file must hold a JSON object with an "entities" list, not ${describe(top)}`);
    return empty();
  }
  readTopLevel(top, d);
  if (!Array.isArray(top.entities)) {
    d.error('/entities', has(top, 'entities') ? `"entities" must be a list of entities, not ${describe(top.entities)}` : `the file has no "entities" list`);
    return empty();
  }
  if (top.entities.length === 0) d.error('/entities', `"entities" is empty; declare at least one entity`);

  // Entities and their fields.
  const entities: EntityDraft[] = [];
  const byRawName = new Map<string, EntityDraft>();
  const byName = new Map<string, EntityDraft>();
  top.entities.forEach((e, i) => {
    const entity = readEntity(e, i, d);
    if (!entity) return;
    const clash = byName.get(entity.name);
    if (clash) {
      d.error(ptr(entity.pointer, 'name'), `entity ${q(entity.rawName)} has the same name ${q(entity.name)} as entity ${q(clash.rawName)} (${clash.pointer}); rename one of them`);
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
    if (clash) d.error(ptr(entity.pointer, entity.table !== undefined ? 'table' : 'name'), `table ${q(table)} is also the table of ${q(clash.rawName)}; set "table" to tell them apart`);
    else tables.set(table, entity);
  }

  // Relationships: top-level whenever present; v1 associations only for v1 files without them.
  const isV1 = top.version === undefined || top.version === 1;
  const hasAssociations = top.entities.some((e) => isRecord(e) && has(e, 'associations'));
  let rawRelationships: RawRelationship[] = [];
  if (has(top, 'relationships')) {
    if (!Array.isArray(top.relationships)) {
      d.error('/relationships', `"relationships" must be a list, not ${describe(top.relationships)}`);
    } else {
      rawRelationships = top.relationships.map((r, k) => ({ pointer: ptr('', 'relationships', k), raw: r }));
    }
    if (hasAssociations) d.warn('/relationships', `entity "associations" (version 1) are ignored because the file has a top-level "relationships" list`);
  } else if (isV1) {
    rawRelationships = v1Relationships(top.entities, d);
  } else if (hasAssociations) {
    d.warn('/version', `entity "associations" are a version 1 feature; a version ${String(top.version)} file declares top-level "relationships", so they are ignored`);
  }
  const decls = rawRelationships.map((r) => readRelationship(r, byRawName, byName, d)).filter((r): r is RelDecl => r !== undefined);

  const edges = groupDeclarations(decls).map((g) => buildEdge(g, d));
  nameSlots(entities, d);
  mergeForeignKeyFields(entities, d);

  // Index requests: field flags (merged fields move to their relation), relation flags, entity lists.
  for (const entity of entities) {
    for (const field of entity.fields) {
      const property = field.mergedInto ? field.mergedInto.name : field.spec.name;
      if (field.unique) entity.indexRequests.push({ fields: [property], unique: true });
      if (field.index) entity.indexRequests.push({ fields: [property], unique: false });
    }
  }
  for (const edge of edges) {
    if (!edge.index) continue;
    const fkSlot = edge.type === 'OneToMany' ? edge.inverseSlot! : edge.declSlot;
    fkSlot.entity.indexRequests.push({ fields: [fkSlot.name], unique: false });
  }
  for (const entity of entities) {
    readIndexList(entity, 'indexes', d);
    readIndexList(entity, 'uniques', d);
  }

  // Relations, on the entity that declares them.
  const nullability = new Map(edges.map((edge) => [edge, resolveNullability(edge, d)]));
  checkRequiredCycles(edges.filter((edge) => nullability.get(edge) === false), d);
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

  const specs: EntitySpec[] = entities.map((entity) => {
    const indexes = finishIndexes(entity);
    const fields = entity.fields.filter((f) => !f.mergedInto).map((f) => orderField(f.spec));
    const relationships = relationsOf.get(entity) ?? [];
    return {
      name: entity.name,
      ...(entity.table !== undefined ? { table: entity.table } : {}),
      ...(entity.description !== undefined ? { description: entity.description } : {}),
      primaryKey: entity.primaryKey,
      timestamps: entity.timestamps,
      ...(entity.softDelete ? { softDelete: true } : {}),
      ...(fields.length > 0 ? { fields } : {}),
      ...(relationships.length > 0 ? { relationships } : {}),
      ...(indexes.length > 0 ? { indexes } : {}),
    };
  });

  const name = documentName(top);
  return {
    document: { version: 1, ...(name !== undefined ? { name } : {}), entities: specs },
    errors: d.errors,
    warnings: d.warnings,
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

/**
 * Whether a file is an APSO CLI `.apsorc` rather than apso's own schema: by its name, or by
 * shape (top-level relationships with from/to, APSO-only field types or options).
 */
export function looksLikeApsorc(raw: unknown, fileName: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  if (base === '.apsorc' || base.endsWith('.apsorc')) return true;
  const { value } = parseText(raw);
  if (!isRecord(value)) return false;
  if (Array.isArray(value.relationships) && value.relationships.some((r) => isRecord(r) && typeof r.from === 'string' && typeof r.to === 'string')) return true;
  if (['rootFolder', 'apiType', '_removedEntities'].some((k) => has(value, k))) return true;
  if (!Array.isArray(value.entities)) return false;
  return value.entities.some((e) => {
    if (!isRecord(e)) return false;
    if (['created_at', 'updated_at', 'primaryKeyType', 'uniques', 'associations', 'scopeBy'].some((k) => has(e, k))) return true;
    return (
      Array.isArray(e.fields) &&
      e.fields.some(
        (f) =>
          isRecord(f) &&
          ((typeof f.type === 'string' && APSORC_ONLY_TYPES.has(f.type.trim().toLowerCase())) || ['is_email', 'isUnique', 'isIndex', 'primary'].some((k) => has(f, k))),
      )
    );
  });
}
