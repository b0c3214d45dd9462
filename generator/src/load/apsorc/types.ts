/** Field types: what each .apsorc type name becomes in apso, and the ones apso refuses. */
import { FIELD_TYPES, type FieldType } from '../../schema/document';
import { type Diagnostics, didYouMean, q } from './diagnostics';

export interface TypeRule {
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

const POSTGIS_HINT =
  'PostGIS types are not supported; store GeoJSON in a "jsonb" field, or coordinates in two "decimal" fields';
const UNSUPPORTED_TYPES: Record<string, string> = {
  bytea:
    'binary columns are not supported; keep the bytes in object storage with a "string" URL, or base64 in a "text" field',
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
export const APSORC_ONLY_TYPES = new Set(
  [...Object.keys(TYPE_RULES), ...Object.keys(UNSUPPORTED_TYPES)].filter(
    (t) => !(FIELD_TYPES as readonly string[]).includes(t),
  ),
);

export const INTEGER_TYPES = new Set<FieldType>(['integer', 'smallint', 'bigint']);
export const NUMBER_TYPES = new Set<FieldType>(['integer', 'smallint', 'bigint', 'decimal', 'float']);
export const TEXT_TYPES = new Set<FieldType>(['string', 'text', 'email']);

export interface ResolvedType {
  rule: TypeRule;
  /** The type name without parameters, lowercase: `varchar` for `VARCHAR(40)`. */
  typeKey: string;
  /** `(p)` or `(p, s)` after the name: [, name, p, s]. */
  params: RegExpExecArray | null;
}

/** A field's `type` as written to its rule; an error (and `undefined`) when apso has none. */
export function resolveType(type: unknown, rawName: string, typeAt: string, d: Diagnostics): ResolvedType | undefined {
  if (typeof type !== 'string' || type.trim() === '') {
    d.error(
      typeAt,
      `field ${q(rawName)} has no "type"; use one of ${['string', 'text', 'integer', 'boolean', 'timestamp', '…'].join(', ')}`,
    );
    return undefined;
  }
  const typeText = type.trim().toLowerCase().replace(/\s+/g, ' ');
  if (typeText.endsWith('[]')) {
    d.error(typeAt, `type ${q(type)} is an array, which apso does not support; ${UNSUPPORTED_TYPES.array}`);
    return undefined;
  }
  const params = /^([a-z][a-z0-9 _-]*?)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(typeText);
  const typeKey = params ? params[1] : typeText;
  const rule = TYPE_RULES[typeKey];
  if (!rule) {
    const hint = UNSUPPORTED_TYPES[typeKey];
    if (hint) d.error(typeAt, `type ${q(type)} is not supported by apso; ${hint}`);
    else d.error(typeAt, `unknown type ${q(type)}${didYouMean(typeKey, Object.keys(TYPE_RULES))}`);
    return undefined;
  }
  return { rule, typeKey, params };
}
