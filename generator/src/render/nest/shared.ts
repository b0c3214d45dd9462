import { constantCase, pascalCase } from '../../model/naming';
import type { ColumnModel, EntityModel } from '../../model/types';
import type { JsonValue } from '../../schema/document';
import { TYPE_MAP } from '../../type-map';
import { type ImportSet, objectLiteral, str } from '../imports';

/**
 * Names the controller, DTO, service and module files import from frameworks and the platform.
 * An entity with one of these names (`Post` is common) is imported there under an alias, `PostEntity`.
 */
const FRAMEWORK_NAMES = new Set([
  'Body',
  'Controller',
  'Delete',
  'Get',
  'HttpCode',
  'Injectable',
  'Module',
  'Param',
  'ParseIntPipe',
  'ParseUUIDPipe',
  'Patch',
  'Post',
  'Put',
  'Query',
  'ApiCreatedResponse',
  'ApiNoContentResponse',
  'ApiOkResponse',
  'ApiProperty',
  'ApiPropertyOptional',
  'ApiTags',
  'PartialType',
  'InjectRepository',
  'TypeOrmModule',
  'Repository',
  'Type',
  'Allow',
  'ArrayMaxSize',
  'Matches',
  'Max',
  'MaxLength',
  'Min',
  'CachedRead',
  'EntityCache',
  'EntityService',
  'ListQueryBase',
  'OptionalNotNull',
  'REPLICA',
]);

/** Imports an entity class into a file that also uses framework names; returns the name to refer to it by. */
export function importEntityClass(imports: ImportSet, from: string, className: string): string {
  const local = FRAMEWORK_NAMES.has(className) || /^Is[A-Z]/.test(className) ? `${className}Entity` : className;
  imports.addAs(from, className, local);
  return local;
}

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

/**
 * The OpenAPI decorator of a column: every column is present in a response; in a create body,
 * nullable columns and columns with a default may be left out.
 */
export function apiPropertyDecorator(
  column: ColumnModel,
  entity: EntityModel,
  imports: ImportSet,
  mode: 'response' | 'create',
): string {
  const info = TYPE_MAP[column.type];
  const optional = mode === 'create' && isOptionalOnCreate(column);
  const decorator = optional ? 'ApiPropertyOptional' : 'ApiProperty';
  imports.add('@nestjs/swagger', decorator);
  const isVersion = column.role === 'version';
  const isJson = column.type === 'json' || column.type === 'jsonb';
  const literalDefault =
    column.default?.kind === 'literal' && typeof column.default.value !== 'object' ? column.default.value : undefined;
  const options = objectLiteral({
    description: column.description ? str(column.description) : undefined,
    type: column.type === 'enum' ? undefined : str(isVersion ? 'integer' : info.openApi.type),
    format: isVersion ? undefined : info.openApi.format ? str(info.openApi.format) : undefined,
    enum: column.type === 'enum' ? enumConstant(entity, column) : undefined,
    additionalProperties: isJson ? 'true' : undefined,
    maxLength: column.length !== undefined ? String(column.length) : undefined,
    nullable: column.nullable ? 'true' : undefined,
    default: literalDefault !== undefined && mode === 'create' ? literalSource(literalDefault) : undefined,
    example: info.openApi.example !== undefined && !isVersion ? literalSource(info.openApi.example) : undefined,
  });
  return `@${decorator}(${options === '{}' ? '' : options})`;
}

export function isOptionalOnCreate(column: ColumnModel): boolean {
  return column.nullable || column.default !== undefined;
}
