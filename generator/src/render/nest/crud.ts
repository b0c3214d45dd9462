import type { ColumnModel, EntityModel } from '../../model/types';
import { entityPaths, importPath, platformImport } from '../../plan/paths';
import { TYPE_MAP } from '../../type-map';
import { GENERATED_HEADER } from '../header';
import { ImportSet, joinBlocks, objectLiteral, str } from '../imports';
import { apiPropertyDecorator, enumConstant, enumTypeName, importEntityClass, isOptionalOnCreate } from './shared';

/** Types a list may be sorted by: ordered, indexable scalars (not text blobs or JSON). */
const UNSORTABLE = new Set(['text', 'json', 'jsonb', 'interval']);

function sortableProperties(entity: EntityModel): string[] {
  return entity.columns
    .filter((column) => column.role !== 'deletedAt' && column.role !== 'version' && !UNSORTABLE.has(column.type))
    .map((column) => column.property);
}

/** Writable columns: what a create body may carry. */
function inputColumns(entity: EntityModel): ColumnModel[] {
  return entity.columns.filter((column) => column.role === 'field' || column.role === 'foreignKey');
}

export function resourceConstant(entity: EntityModel): string {
  return `${entity.names.constant}_RESOURCE`;
}

/** The per-entity facts the runtime reads: whitelists for sorting, PUT semantics, cache policy. */
export function renderResource(entity: EntityModel): string {
  const file = entityPaths(entity).resource;
  const imports = new ImportSet().addType(platformImport(file, 'crud/resource'), 'ResourceDefinition');
  const nullable = inputColumns(entity)
    .filter((column) => column.nullable)
    .map((column) => column.property);
  const relationIds = entity.relations
    .filter((relation) => relation.idsProperty)
    .map((relation) => `{ idsProperty: ${str(relation.idsProperty!)}, relation: ${str(relation.property)} }`);
  const body = objectLiteral({
    name: str(entity.names.route),
    sortable: `[${sortableProperties(entity).map(str).join(', ')}]`,
    nullableFields: `[${nullable.map(str).join(', ')}]`,
    relationIds: `[${relationIds.join(', ')}]`,
    softDelete: String(entity.softDelete),
    versioned: String(entity.versioned),
    cache: entity.cache
      ? `{ itemTtlSeconds: ${entity.cache.itemTtlSeconds}, listTtlSeconds: ${entity.cache.listTtlSeconds} }`
      : 'null',
  });
  return joinBlocks(
    GENERATED_HEADER,
    imports.render(),
    `export const ${resourceConstant(entity)}: ResourceDefinition = ${body};`,
  );
}

export function dtoNames(entity: EntityModel) {
  const { className } = entity.names;
  return {
    create: `Create${className}Dto`,
    update: `Update${className}Dto`,
    replace: entity.versioned ? `Replace${className}Dto` : `Create${className}Dto`,
    list: `List${pascalPlural(entity)}Query`,
    page: `${className}Page`,
  };
}

function pascalPlural(entity: EntityModel): string {
  return entity.names.camelPlural.charAt(0).toUpperCase() + entity.names.camelPlural.slice(1);
}

export function renderDto(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const file = paths.dto;
  const names = dtoNames(entity);
  const imports = new ImportSet().add('@nestjs/swagger', 'ApiProperty', 'PartialType');
  const entityImport = importPath(file, paths.entity);
  const entityClass = importEntityClass(imports, entityImport, entity.names.className);

  const members = inputColumns(entity).map((column) => renderInputProperty(column, entity, imports, entityImport));
  for (const relation of entity.relations.filter((candidate) => candidate.idsProperty)) {
    members.push(renderIdsProperty(relation.idsProperty!, relation.property, entity, imports));
  }
  const versionProperty = () => {
    imports.add('@nestjs/swagger', 'ApiPropertyOptional').add('class-validator', 'IsInt', 'IsOptional', 'Min');
    return [
      `  @ApiPropertyOptional({ type: 'integer', description: 'The version you last read; if the row has changed since, the answer is 409.' })`,
      '  @IsOptional()',
      '  @IsInt()',
      '  @Min(1)',
      '  version?: number;',
    ].join('\n');
  };

  const blocks = [`export class ${names.create} {\n${members.join('\n\n')}\n}`];
  if (entity.versioned) {
    blocks.push(`export class ${names.replace} extends ${names.create} {\n${versionProperty()}\n}`);
  }
  blocks.push(`export class ${names.update} extends PartialType(${names.replace}) {}`);
  blocks.push(renderListQuery(entity, imports, file));
  blocks.push(
    [
      `export class ${names.page} {`,
      `  @ApiProperty({ type: [${entityClass}] })`,
      `  data!: ${entityClass}[];`,
      '',
      `  @ApiProperty({ type: 'integer' })`,
      '  limit!: number;',
      '',
      `  @ApiProperty({ type: 'integer' })`,
      '  offset!: number;',
      '}',
    ].join('\n'),
  );
  return joinBlocks(GENERATED_HEADER, imports.render(), ...blocks);
}

function renderListQuery(entity: EntityModel, imports: ImportSet, file: string): string {
  imports
    .add(platformImport(file, 'crud/list-query'), 'ListQueryBase')
    .add(platformImport(file, 'crud/sort-order'), 'sortValues');
  imports.add(importPath(file, entityPaths(entity).resource), resourceConstant(entity));
  imports.add('@nestjs/swagger', 'ApiPropertyOptional').add('class-validator', 'IsIn', 'IsOptional');
  const values = `${entity.names.constant}_SORT_VALUES`;
  return [
    `const ${values} = sortValues(${resourceConstant(entity)});`,
    '',
    `export class ${dtoNames(entity).list} extends ListQueryBase {`,
    `  @ApiPropertyOptional({ enum: ${values}, description: 'A property to sort by; prefix it with - for descending order.' })`,
    '  @IsOptional()',
    `  @IsIn(${values})`,
    '  sort?: string;',
    '}',
  ].join('\n');
}

function renderInputProperty(
  column: ColumnModel,
  entity: EntityModel,
  imports: ImportSet,
  entityImport: string,
): string {
  const optional = isOptionalOnCreate(column);
  const lines = [`  ${apiPropertyDecorator(column, entity, imports, 'create')}`];
  if (column.nullable) {
    imports.add('class-validator', 'IsOptional');
    lines.push('  @IsOptional()');
  } else if (optional) {
    imports.add(platformImport(entityPaths(entity).dto, 'validation/optional-not-null'), 'OptionalNotNull');
    lines.push('  @OptionalNotNull()');
  }
  for (const validator of validatorsOf(column, entity, entityImport, imports)) lines.push(`  ${validator}`);
  const type = column.type === 'enum' ? enumTypeName(entity, column) : TYPE_MAP[column.type].ts;
  if (column.type === 'enum') imports.addType(entityImport, type);
  const tsType = column.nullable && type !== 'unknown' ? `${type} | null` : type;
  lines.push(`  ${column.property}${optional ? '?' : '!'}: ${tsType};`);
  return lines.join('\n');
}

function validatorsOf(column: ColumnModel, entity: EntityModel, entityImport: string, imports: ImportSet): string[] {
  if (column.type === 'enum') {
    imports.add('class-validator', 'IsIn').add(entityImport, enumConstant(entity, column));
    return [`@IsIn(${enumConstant(entity, column)})`];
  }
  return TYPE_MAP[column.type].validators(column).map((validator) => {
    imports.add(validator.from ?? 'class-validator', validator.decorator);
    return `@${validator.decorator}(${validator.args ?? ''})`;
  });
}

function renderIdsProperty(idsProperty: string, relation: string, entity: EntityModel, imports: ImportSet): string {
  const target = entity.relations.find((candidate) => candidate.property === relation)!;
  const keyType = target.joinTable!.targetKeyType;
  imports.add('@nestjs/swagger', 'ApiPropertyOptional').add('class-validator', 'IsOptional', 'IsArray', 'ArrayMaxSize');
  const itemValidator = keyType === 'uuid' ? `@IsUUID('all', { each: true })` : '@IsInt({ each: true })';
  imports.add('class-validator', keyType === 'uuid' ? 'IsUUID' : 'IsInt');
  const item = keyType === 'uuid' ? `{ type: 'string', format: 'uuid' }` : `{ type: 'integer' }`;
  return [
    `  @ApiPropertyOptional({ type: 'array', items: ${item}, description: ${str(`Ids of the related ${relation}; replaces the whole set.`)} })`,
    '  @IsOptional()',
    '  @IsArray()',
    '  @ArrayMaxSize(1000)',
    `  ${itemValidator}`,
    `  ${idsProperty}?: ${keyType === 'uuid' ? 'string' : 'number'}[];`,
  ].join('\n');
}

export function renderServiceBase(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const file = paths.serviceBase;
  const { className } = entity.names;
  const imports = new ImportSet()
    .add('@nestjs/common', 'Injectable')
    .add('@nestjs/typeorm', 'InjectRepository')
    .addType('typeorm', 'Repository')
    .add(platformImport(file, 'cache/entity-cache'), 'EntityCache')
    .add(platformImport(file, 'crud/entity.service'), 'EntityService')
    .add(platformImport(file, 'database/connections'), 'REPLICA')
    .add(importPath(file, paths.resource), resourceConstant(entity));
  const entityClass = importEntityClass(imports, importPath(file, paths.entity), className);
  const body = [
    '/** Reads go to the replica pool, writes to the primary; extend it in the user-owned service. */',
    '@Injectable()',
    `export abstract class ${className}ServiceBase extends EntityService<${entityClass}> {`,
    '  constructor(',
    `    @InjectRepository(${entityClass}) writer: Repository<${entityClass}>,`,
    `    @InjectRepository(${entityClass}, REPLICA) reader: Repository<${entityClass}>,`,
    '    cache: EntityCache,',
    '  ) {',
    `    super(${resourceConstant(entity)}, writer, reader, cache);`,
    '  }',
    '}',
  ].join('\n');
  return joinBlocks(GENERATED_HEADER, imports.render(), body);
}

export function renderControllerBase(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const file = paths.controllerBase;
  const { className } = entity.names;
  const names = dtoNames(entity);
  const resource = resourceConstant(entity);
  const dto = importPath(file, paths.dto);
  const imports = new ImportSet()
    .add('@nestjs/common', 'Body', 'Delete', 'Get', 'HttpCode', 'Param', 'Patch', 'Post', 'Put', 'Query')
    .add('@nestjs/swagger', 'ApiCreatedResponse', 'ApiNoContentResponse', 'ApiOkResponse')
    .add(importPath(file, paths.service), `${className}Service`)
    .add(dto, names.create, names.update, names.list, names.page);
  const entityClass = importEntityClass(imports, importPath(file, paths.entity), className);
  if (entity.versioned) imports.add(dto, names.replace);
  const idPipe = entity.primaryKey.type === 'uuid' ? 'ParseUUIDPipe' : 'ParseIntPipe';
  imports.add('@nestjs/common', idPipe);
  const idType = entity.primaryKey.type === 'uuid' ? 'string' : 'number';
  const idParam = `@Param('id', ${idPipe}) id: ${idType}`;
  const cached = (kind: 'item' | 'list') => {
    if (!entity.cache) return [];
    imports
      .add(platformImport(file, 'cache/cached-read.decorator'), 'CachedRead')
      .add(importPath(file, paths.resource), resource);
    return [`  @CachedRead(${resource}, ${str(kind)})`];
  };
  const method = (lines: (string | string[])[]) => lines.flat().join('\n');
  const methods = [
    method([
      '  @Get()',
      cached('list'),
      `  @ApiOkResponse({ type: ${names.page} })`,
      `  list(@Query() query: ${names.list}): Promise<${names.page}> {`,
      '    return this.service.list(query);',
      '  }',
    ]),
    method([
      `  @Get(':id')`,
      cached('item'),
      `  @ApiOkResponse({ type: ${entityClass} })`,
      `  get(${idParam}): Promise<${entityClass}> {`,
      '    return this.service.findOne(id);',
      '  }',
    ]),
    method([
      '  @Post()',
      `  @ApiCreatedResponse({ type: ${entityClass} })`,
      `  create(@Body() body: ${names.create}): Promise<${entityClass}> {`,
      '    return this.service.create(body);',
      '  }',
    ]),
    method([
      `  @Patch(':id')`,
      `  @ApiOkResponse({ type: ${entityClass} })`,
      `  update(${idParam}, @Body() body: ${names.update}): Promise<${entityClass}> {`,
      '    return this.service.update(id, body);',
      '  }',
    ]),
    method([
      `  @Put(':id')`,
      `  @ApiOkResponse({ type: ${entityClass} })`,
      `  replace(${idParam}, @Body() body: ${names.replace}): Promise<${entityClass}> {`,
      '    return this.service.replace(id, body);',
      '  }',
    ]),
    method([
      `  @Delete(':id')`,
      '  @HttpCode(204)',
      '  @ApiNoContentResponse()',
      `  remove(${idParam}): Promise<void> {`,
      '    return this.service.remove(id);',
      '  }',
    ]),
  ];
  const body = [
    `/** The REST routes of ${entity.names.route}; the user-owned controller extends it and sets the path. */`,
    `export abstract class ${className}ControllerBase {`,
    `  constructor(protected readonly service: ${className}Service) {}`,
    '',
    methods.join('\n\n'),
    '}',
  ].join('\n');
  return joinBlocks(GENERATED_HEADER, imports.render(), body);
}
