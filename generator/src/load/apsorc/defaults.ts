/** Field defaults: an .apsorc default to the value apso writes to the database, exactly as the user meant it. */
import type { FieldType, JsonValue } from '../../schema/document';
import { DEFAULT_LITERALS } from '../../type-map';
import { type Diagnostics, describe, ptr, q } from './diagnostics';
import type { FieldReading } from './drafts';
import { INTEGER_TYPES, NUMBER_TYPES, TEXT_TYPES } from './types';
import { has, INTEGER_TEXT, isRecord } from './values';

export type DefaultValue = JsonValue | { sql: string };

const SQL_KEYWORDS =
  /^(current_timestamp|current_date|current_time|localtimestamp|localtime|current_user|session_user)$/i;
const SQL_CALL = /^[A-Za-z_][A-Za-z0-9_.]*\s*\(.*\)(\s*::\s*[A-Za-z][A-Za-z0-9_ ]*(\[\])?)?$/s;
const CAST_LITERAL = /^'((?:[^']|'')*)'\s*::\s*[A-Za-z][A-Za-z0-9_ ]*(\[\])?$/s;
const QUOTED = /^'((?:[^']|'')*)'$/s;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN_TEXT: Record<string, boolean> = {
  true: true,
  t: true,
  yes: true,
  on: true,
  '1': true,
  false: false,
  f: false,
  no: false,
  off: false,
  '0': false,
};

/** `'active'` and `'active'::character varying` are SQL literals: the value is `active`. */
export function unquote(s: string): string | undefined {
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
  const digits = s
    .replace(/[eE].*$/, '')
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '');
  return digits.length <= 15 ? Number(s) : { sql: s.replace(/^\+/, '') };
}

/**
 * Turns an .apsorc default into the value apso writes to the database, exactly as the user meant it.
 * Returns `undefined` for "no default".
 */
export function convertDefault(
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
  if (type === 'json' || type === 'jsonb') return jsonDefault(raw);
  if (isRecord(raw) || Array.isArray(raw)) {
    d.error(pointer, `default must be a single value for a ${type} field, not ${describe(raw)}`);
    return undefined;
  }
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (type === 'boolean') return booleanDefault(raw, text, pointer, d);
  if (type === 'enum') return enumDefault(raw, text, values, pointer, d);
  if (NUMBER_TYPES.has(type)) return numberDefault(raw, text, type, pointer, d);
  if (TEXT_TYPES.has(type)) return textDefault(raw, text, type, pointer, d);
  return temporalDefault(raw, text, type, pointer, d);
}

function jsonDefault(raw: unknown): DefaultValue {
  if (typeof raw !== 'string') return raw as JsonValue;
  if (isSqlExpression(raw) || /::/.test(raw)) return { sql: raw };
  const text = unquote(raw) ?? raw;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function booleanDefault(raw: unknown, text: string | undefined, pointer: string, d: Diagnostics): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (raw === 0 || raw === 1) return raw === 1;
  const key = text === undefined ? undefined : (unquote(text) ?? text).toLowerCase();
  if (key !== undefined && key in BOOLEAN_TEXT) return BOOLEAN_TEXT[key];
  d.error(pointer, `default ${describe(raw)} is not a boolean; write true or false`);
  return undefined;
}

function enumDefault(
  raw: unknown,
  text: string | undefined,
  values: string[] | undefined,
  pointer: string,
  d: Diagnostics,
): string | undefined {
  const value = text === undefined ? String(raw) : (unquote(text) ?? text);
  if (values && !values.includes(value)) {
    d.error(
      pointer,
      `default ${q(value)} is not one of the enum's values (${values.map(q).join(', ')}); use one of them or remove the default`,
    );
    return undefined;
  }
  return value;
}

function numberDefault(
  raw: unknown,
  text: string | undefined,
  type: FieldType,
  pointer: string,
  d: Diagnostics,
): DefaultValue | undefined {
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
  d.error(
    pointer,
    `default ${describe(raw)} is not a ${INTEGER_TYPES.has(type) ? 'whole number' : 'number'}, but the field is ${type}`,
  );
  return undefined;
}

function textDefault(
  raw: unknown,
  text: string | undefined,
  type: FieldType,
  pointer: string,
  d: Diagnostics,
): DefaultValue {
  if (text === undefined) return String(raw);
  const literal = unquote(text);
  if (literal !== undefined) return literal;
  if (isSqlExpression(text)) {
    d.warn(
      pointer,
      `default ${q(raw as string)} on a ${type} field is read as an SQL expression; write ${q(`'${text}'`)} for the literal text`,
    );
    return { sql: text };
  }
  return raw as string;
}

/** uuid, date, time, timestamp, interval: a literal apso accepts, or an SQL expression. */
function temporalDefault(
  raw: unknown,
  text: string | undefined,
  type: FieldType,
  pointer: string,
  d: Diagnostics,
): DefaultValue | undefined {
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
  uuid: (v) =>
    DEFAULT_LITERALS.uuid(v)
      ? undefined
      : 'is not a UUID; use a UUID literal or an SQL call such as "gen_random_uuid()"',
  date: (v) =>
    DEFAULT_LITERALS.date(v)
      ? undefined
      : 'is not a date like "2024-01-31"; or use an SQL expression such as "CURRENT_DATE"',
  time: (v) => (DEFAULT_LITERALS.time(v) ? undefined : 'is not a time like "09:30" or "09:30:00"'),
  timestamp: (v) =>
    !DEFAULT_LITERALS.timestamp(v)
      ? 'is not an ISO 8601 timestamp like "2024-01-31T09:30:00Z"; or use an SQL expression such as "now()"'
      : undefined,
};

/** Sets the field's default; with none, points out the default the APSO CLI added silently. */
export function readFieldDefault(
  { f, pointer, rawName, typeKey, spec }: FieldReading,
  values: string[] | undefined,
  nullable: boolean | undefined,
  d: Diagnostics,
): void {
  if (has(f, 'default')) {
    const value = convertDefault(f.default, spec.type, values, ptr(pointer, 'default'), d);
    if (typeof value === 'string' && spec.length !== undefined && value.length > spec.length) {
      d.error(ptr(pointer, 'default'), `default ${q(value)} is longer than the field's length ${spec.length}`);
    } else if (value !== undefined) {
      spec.default = value;
    }
  } else if (!nullable && typeKey === 'enum') {
    d.warn(
      pointer,
      `enum field ${q(rawName)} has no default; the APSO CLI silently used its first value ${q(values![0])}, apso adds none (add "default" if clients rely on it)`,
    );
  } else if (!nullable && spec.type === 'boolean') {
    d.warn(
      pointer,
      `boolean field ${q(rawName)} has no default; the APSO CLI silently used true, apso adds none (add "default" if clients rely on it)`,
    );
  }
}
