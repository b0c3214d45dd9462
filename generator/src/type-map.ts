import type { ColumnModel } from './model/types';
import type { FieldType } from './schema/document';

/**
 * The single table from a field type to everything emitted for it: the TypeScript type, the
 * PostgreSQL column type, the class-validator decorators and the OpenAPI type. Every emitter reads here.
 */
export interface TypeInfo {
  /** TypeScript type of the entity property (enums get their own union type instead). */
  readonly ts: string;
  /** PostgreSQL type as TypeORM's `type:` option names it. */
  readonly columnType: string;
  /** class-validator decorators (name → argument source) for the create DTO. */
  readonly validators: (column: ColumnModel) => Validator[];
  readonly openApi: { readonly type: string; readonly format?: string; readonly example?: string | number | boolean };
}

export interface Validator {
  readonly decorator: string;
  readonly args?: string;
  /** Import source when not class-validator. */
  readonly from?: string;
  /** A module of the runtime platform (`validation/is-timestamp`), imported relative to the DTO. */
  readonly platformModule?: string;
}

const validator = (decorator: string, args?: string, from?: string): Validator => ({ decorator, args, from });
const platformValidator = (decorator: string, platformModule: string): Validator => ({ decorator, platformModule });
const stringWithLength = (column: ColumnModel) => [
  validator('IsString'),
  validator('MaxLength', String(column.length)),
];
const intRange = (min: number, max: number) => () => [
  validator('IsInt'),
  validator('Min', String(min)),
  validator('Max', String(max)),
];

/** Any JSON value is valid (a required one gets the IsDefined every required property gets). */
const anyJson = (column: ColumnModel) => (column.nullable || column.default !== undefined ? [validator('Allow')] : []);

/** One number of an interval: at most six digits, so no form of it overflows PostgreSQL's interval. */
const INTERVAL_NUMBER = String.raw`[+-]?\d{1,6}(\.\d{1,6})?`;
/** PostgreSQL's verbose units, largest first: each at most once, as PostgreSQL itself requires. */
const INTERVAL_UNITS = [
  'years?|yrs?',
  'mons?|months?',
  'weeks?',
  'days?',
  'hours?|hrs?',
  'minutes?|mins?',
  'seconds?|secs?',
];
/**
 * The interval forms accepted: PostgreSQL's verbose one (`1 year 2 mons 3 days 04:05:06`, as it
 * prints them) or an ISO 8601 duration (`P1Y2M3DT4H5M6S`), every number bounded.
 */
const INTERVAL_PATTERN = [
  String.raw`^(?!$)`,
  ...INTERVAL_UNITS.map((unit) => String.raw`(${INTERVAL_NUMBER} (${unit})( (?=.)|$))?`),
  String.raw`([+-]?\d{1,6}:[0-5]\d(:[0-5]\d(\.\d{1,6})?)?)?$`,
  String.raw`|^P(?!$)(\d{1,6}Y)?(\d{1,6}M)?(\d{1,6}W)?(\d{1,6}D)?(T(?=\d)(\d{1,6}H)?(\d{1,6}M)?(\d{1,6}(\.\d{1,6})?S)?)?$`,
].join('');

export const TYPE_MAP: Record<FieldType, TypeInfo> = {
  string: { ts: 'string', columnType: 'varchar', validators: stringWithLength, openApi: { type: 'string' } },
  email: {
    ts: 'string',
    columnType: 'varchar',
    validators: (column) => [validator('IsEmail'), validator('MaxLength', String(column.length))],
    openApi: { type: 'string', format: 'email', example: 'ada@example.com' },
  },
  text: { ts: 'string', columnType: 'text', validators: () => [validator('IsString')], openApi: { type: 'string' } },
  integer: {
    ts: 'number',
    columnType: 'integer',
    validators: intRange(-2147483648, 2147483647),
    openApi: { type: 'integer', format: 'int32' },
  },
  smallint: {
    ts: 'number',
    columnType: 'smallint',
    validators: intRange(-32768, 32767),
    openApi: { type: 'integer', format: 'int32' },
  },
  // node-postgres returns int8 and numeric as strings: a JS number would silently lose precision.
  bigint: {
    ts: 'string',
    columnType: 'bigint',
    validators: () => [
      validator(
        'Matches',
        String.raw`/^-?\d{1,19}$/, { message: '$property must be a whole number written as a string' }`,
      ),
    ],
    openApi: { type: 'string', format: 'int64', example: '9007199254740993' },
  },
  decimal: {
    ts: 'string',
    columnType: 'numeric',
    validators: (column) => {
      const whole = (column.precision ?? 10) - (column.scale ?? 2);
      const fraction = column.scale ?? 2;
      // numeric(2,2) holds no digit before the point: `\d{1,0}` would not even compile, so only a 0 is allowed there.
      const wholePart = whole > 0 ? String.raw`\d{1,${whole}}` : '0';
      const pattern = fraction > 0 ? String.raw`^-?${wholePart}(\.\d{1,${fraction}})?$` : String.raw`^-?${wholePart}$`;
      return [
        validator(
          'Matches',
          `/${pattern}/, { message: '$property must be a decimal string with at most ${whole} digits before and ${fraction} after the point' }`,
        ),
      ];
    },
    openApi: { type: 'string', format: 'decimal', example: '19.99' },
  },
  float: {
    ts: 'number',
    columnType: 'double precision',
    validators: () => [validator('IsNumber')],
    openApi: { type: 'number', format: 'double' },
  },
  boolean: {
    ts: 'boolean',
    columnType: 'boolean',
    validators: () => [validator('IsBoolean')],
    openApi: { type: 'boolean' },
  },
  date: {
    ts: 'string',
    columnType: 'date',
    validators: () => [
      validator('IsISO8601', '{ strict: true }'),
      validator('Matches', String.raw`/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date like 2024-01-31' }`),
    ],
    openApi: { type: 'string', format: 'date', example: '2024-01-31' },
  },
  time: {
    ts: 'string',
    columnType: 'time',
    validators: () => [
      validator(
        'Matches',
        String.raw`/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$/, { message: '$property must be a time like 09:30 or 09:30:00' }`,
      ),
    ],
    // No `format: time`: RFC 3339's full-time needs an offset, which a `time` column neither takes nor gives.
    openApi: { type: 'string', example: '09:30:00' },
  },
  timestamp: {
    ts: 'Date',
    columnType: 'timestamptz',
    validators: () => [platformValidator('IsTimestamp', 'validation/is-timestamp')],
    openApi: { type: 'string', format: 'date-time' },
  },
  interval: {
    ts: 'string',
    columnType: 'interval',
    validators: () => [
      validator('IsString'),
      validator(
        'Matches',
        `/${INTERVAL_PATTERN}/, { message: '$property must be an interval like 90 days, 1 day 02:00:00 or P1DT2H, numbers at most 6 digits' }`,
      ),
    ],
    openApi: { type: 'string', example: '1 day 02:00:00' },
  },
  uuid: {
    ts: 'string',
    columnType: 'uuid',
    validators: () => [validator('IsUUID')],
    openApi: { type: 'string', format: 'uuid' },
  },
  json: { ts: 'unknown', columnType: 'json', validators: anyJson, openApi: { type: 'object' } },
  jsonb: { ts: 'unknown', columnType: 'jsonb', validators: anyJson, openApi: { type: 'object' } },
  enum: { ts: 'string', columnType: 'enum', validators: () => [], openApi: { type: 'string' } },
};

/**
 * The literal text a default of these types must be, written to the database as is (anything else
 * must be an SQL expression). The validator and the .apsorc importer both check defaults with these.
 */
export const DEFAULT_LITERALS: Readonly<Record<'uuid' | 'date' | 'time' | 'timestamp', (value: string) => boolean>> = {
  uuid: (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
  date: (value) => /^\d{4}-\d{2}-\d{2}$/.test(value),
  time: (value) => /^\d{2}:\d{2}(:\d{2})?$/.test(value),
  timestamp: (value) => !Number.isNaN(Date.parse(value)),
};

/** A column's SQL type: a built-in type with its size (`varchar(120)`), or the enum type it uses. */
export type SqlType = string | { readonly enum: string };

/** The SQL type of a column, for the database state migrations are diffed from. */
export function sqlType(column: ColumnModel): SqlType {
  switch (column.type) {
    case 'string':
    case 'email':
      return `varchar(${column.length})`;
    case 'decimal':
      return `numeric(${column.precision},${column.scale})`;
    case 'enum':
      return { enum: column.enumName! };
    default:
      return TYPE_MAP[column.type].columnType;
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
