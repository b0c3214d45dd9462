import { constantCase, pascalCase } from '../../model/naming';
import type { ColumnModel, EntityModel } from '../../model/types';
import type { JsonValue } from '../../schema/document';
import { TYPE_MAP } from '../../type-map';
import { type ImportSet, objectLiteral, str } from '../imports';
import { platformImport } from '../layout';

/** `TASK_STATUS_VALUES`: the runtime list of an enum's values, exported by the entity file. */
export function enumConstant(entity: EntityModel, column: ColumnModel): string {
  return `${entity.names.constant}_${constantCase(column.property)}_VALUES`;
}

/** `TaskStatus`: the union type of an enum's values. */
export function enumTypeName(entity: EntityModel, column: ColumnModel): string {
  return `${entity.names.className}${pascalCase(column.property)}`;
}

export function literalSource(value: JsonValue): string {
  return typeof value === 'string' ? str(value) : JSON.stringify(value);
}

/** A decimal a request body may send as a numeric string or a JSON number (`api.decimals: "stringOrNumber"`). */
const DECIMAL_STRING_OR_NUMBER = `[{ type: 'string', format: 'decimal' }, { type: 'number' }]`;

/**
 * The platform's schemas (src/platform/http/openapi-schemas.ts) for the types whose JSON is not one
 * plain type, or whose input and output differ: a time is read back with seconds, an interval is
 * written as a string and read back as an object of its parts, a json column holds any JSON value.
 */
function platformSchema(column: ColumnModel, mode: 'response' | 'create'): string | undefined {
  if (column.type === 'json' || column.type === 'jsonb') return 'JSON_VALUE_SCHEMA';
  if (column.type === 'time') return mode === 'create' ? 'TIME_INPUT_SCHEMA' : 'TIME_OUTPUT_SCHEMA';
  if (column.type === 'interval') return mode === 'create' ? 'INTERVAL_INPUT_SCHEMA' : 'INTERVAL_OUTPUT_SCHEMA';
  return undefined;
}

/**
 * The OpenAPI decorator of a column: every column is present in a response; in a create body,
 * nullable columns and columns with a default may be left out. `file` is the file it goes in;
 * `enumValues` is how the file refers to the enum's list of values (declared in the entity file,
 * imported elsewhere); `acceptsNumber` says a decimal input may also be a JSON number.
 */
export function apiPropertyDecorator(
  column: ColumnModel,
  imports: ImportSet,
  file: string,
  mode: 'response' | 'create',
  enumValues: string | undefined,
  acceptsNumber = false,
): string {
  const info = TYPE_MAP[column.type];
  const optional = mode === 'create' && isOptionalOnCreate(column);
  const decorator = imports.value('@nestjs/swagger', optional ? 'ApiPropertyOptional' : 'ApiProperty');
  const isVersion = column.role === 'version';
  const shared = platformSchema(column, mode);
  const literalDefault =
    column.default?.kind === 'literal' && typeof column.default.value !== 'object' ? column.default.value : undefined;
  const options = objectLiteral({
    description: column.description ? str(column.description) : undefined,
    type:
      column.type === 'enum' || acceptsNumber || shared ? undefined : str(isVersion ? 'integer' : info.openApi.type),
    format:
      isVersion || acceptsNumber || shared ? undefined : info.openApi.format ? str(info.openApi.format) : undefined,
    oneOf: acceptsNumber ? DECIMAL_STRING_OR_NUMBER : undefined,
    enum: column.type === 'enum' ? enumValues : undefined,
    maxLength: column.length !== undefined ? String(column.length) : undefined,
    nullable: column.nullable ? 'true' : undefined,
    // OpenAPI's own word for a property sent in requests and never answered.
    writeOnly: mode === 'create' && column.visibility === 'writeOnly' ? 'true' : undefined,
    default: literalDefault !== undefined && mode === 'create' ? literalSource(literalDefault) : undefined,
    example:
      info.openApi.example !== undefined && !isVersion && !shared ? literalSource(info.openApi.example) : undefined,
  });
  if (!shared) return `@${decorator}(${options === '{}' ? '' : options})`;
  const schema = imports.value(platformImport(file, 'http/openapi-schemas'), shared);
  return `@${decorator}(${options === '{}' ? schema : `{ ...${schema}, ${options.slice(2)}`})`;
}

export function isOptionalOnCreate(column: ColumnModel): boolean {
  return column.nullable || column.default !== undefined;
}
