import { mayReadThrough } from '../../model/access';
import { entitiesChangedByDelete } from '../../model/delete-effects';
import {
  type AccessRule,
  type ApiModel,
  type ColumnModel,
  type EntityModel,
  isReadable,
  isWritable,
  type Model,
  type OperationModel,
  type OperationName,
} from '../../model/types';
import { TYPE_MAP, type Validator } from '../../type-map';
import { apsoFile, type Artifact, text } from '../artifact';
import { GENERATED_HEADER } from '../header';
import { ImportSet, objectLiteral, str } from '../imports';
import { entityPaths, importPath, platformImport } from '../layout';
import { renderResponse, responseName } from './response';
import { apiPropertyDecorator, enumConstant, enumTypeName, isOptionalOnCreate } from './shared';

/** The apso-owned CRUD layer of each entity: resource definition, DTOs, service base and controller base. */
export const CRUD_ARTIFACT: Artifact = {
  name: 'crud',
  files: ({ model }) =>
    model.entities.flatMap((entity) => {
      const paths = entityPaths(entity);
      return [
        apsoFile(paths.resource, text(renderResource(model, entity))),
        apsoFile(paths.dto, text(renderDto(entity, model))),
        apsoFile(paths.serviceBase, text(renderServiceBase(entity))),
        apsoFile(paths.controllerBase, text(renderControllerBase(model, entity))),
      ];
    }),
};

/** Types a list may be sorted by: ordered, indexable scalars (not text blobs or JSON). */
const UNSORTABLE = new Set(['text', 'json', 'jsonb', 'interval']);

/**
 * Readable columns only: the order of a list (and a cursor's values) would tell a client what a
 * write-only or hidden value is, one comparison at a time.
 */
function sortableProperties(entity: EntityModel): string[] {
  return entity.columns
    .filter(
      (column) =>
        column.role !== 'deletedAt' && column.role !== 'version' && !UNSORTABLE.has(column.type) && isReadable(column),
    )
    .map((column) => column.property);
}

/** Types a list may be filtered by: what has a useful equality (json and intervals do not). */
const UNFILTERABLE = new Set(['json', 'jsonb', 'interval']);

/** Readable columns only: a filter on a secret or a password hash would be an oracle for its value. */
function filterableColumns(entity: EntityModel): ColumnModel[] {
  return entity.columns.filter(
    (column) =>
      column.role !== 'deletedAt' && column.role !== 'version' && !UNFILTERABLE.has(column.type) && isReadable(column),
  );
}

/** The owned many-to-many id sets a list may be filtered by (`filter[tagIds][in]=…`), typed by the target's key. */
function filterableIds(entity: EntityModel): [string, string][] {
  return entity.relations.flatMap((relation): [string, string][] =>
    relation.idsProperty && relation.joinTable
      ? [[relation.idsProperty, `{ type: ${str(relation.joinTable.targetKeyType === 'uuid' ? 'uuid' : 'integer')} }`]]
      : [],
  );
}

function filterableField(column: ColumnModel): string {
  const values = column.enumValues ? `, values: [${column.enumValues.map(str).join(', ')}]` : '';
  return `{ type: ${str(column.type)}${values} }`;
}

/**
 * Writable columns: what a create body may carry. A hidden field is set by user code only, and a scope
 * column from the token (ScopeInput).
 */
function inputColumns(entity: EntityModel): ColumnModel[] {
  return entity.columns.filter(
    (column) =>
      (column.role === 'field' || column.role === 'foreignKey') &&
      isWritable(column) &&
      column.property !== entity.scope?.property,
  );
}

export function resourceConstant(entity: EntityModel): string {
  return `${entity.names.constant}_RESOURCE`;
}

/** The per-entity facts the runtime reads: whitelists for sorting, PUT semantics, cache policy. */
export function renderResource(model: Model, entity: EntityModel): string {
  const file = entityPaths(entity).resource;
  const imports = new ImportSet([resourceConstant(entity)]);
  const definition = imports.type(platformImport(file, 'crud/resource'), 'ResourceDefinition');
  // A PUT that leaves a write-only field out keeps it: a client cannot read the value back to resend it.
  const nullable = inputColumns(entity)
    .filter((column) => column.nullable && column.visibility !== 'writeOnly')
    .map((column) => column.property);
  const relationIds = entity.relations
    .filter((relation) => relation.idsProperty)
    .map((relation) => `{ idsProperty: ${str(relation.idsProperty!)}, relation: ${str(relation.property)} }`);
  const body = objectLiteral({
    name: str(entity.names.route),
    sortable: `[${sortableProperties(entity).map(str).join(', ')}]`,
    filterable: objectLiteral(
      Object.fromEntries([
        ...filterableColumns(entity).map((column) => [column.property, filterableField(column)]),
        ...filterableIds(entity),
      ]),
    ),
    nullableFields: `[${nullable.map(str).join(', ')}]`,
    relationIds: `[${relationIds.join(', ')}]`,
    readable: `[${readableProperties(entity).map(str).join(', ')}]`,
    relations: `[${includableRelations(model, entity, imports, file).join(', ')}]`,
    embeddedIn: `[${embeddingResources(model, [entity]).map(str).join(', ')}]`,
    deleteAlsoChanges: `[${cachedResourcesChangedByDelete(model, entity).map(str).join(', ')}]`,
    filteredFrom: `[${cachedResourcesFilteringOver(model, entity).map(str).join(', ')}]`,
    deleteAlsoChangesEmbeddedIn: `[${embeddingResources(model, [entity, ...entitiesChangedByDelete(model, entity)])
      .map(str)
      .join(', ')}]`,
    softDelete: String(entity.softDelete),
    versioned: String(entity.versioned),
    cache: entity.cache
      ? `{ itemTtlSeconds: ${entity.cache.itemTtlSeconds}, listTtlSeconds: ${entity.cache.listTtlSeconds} }`
      : 'null',
    scope: entity.scope
      ? objectLiteral({
          property: str(entity.scope.property),
          claim: str(entity.scope.claim),
          type: str(entity.scope.type),
        })
      : 'null',
    // Left out when the entity publishes nothing, so those resources read as they always have.
    events: entity.events.length > 0 ? `[${entity.events.map(str).join(', ')}]` : undefined,
  });
  return imports.file(GENERATED_HEADER, `export const ${resourceConstant(entity)}: ${definition} = ${body};`);
}

/**
 * Other cached resources whose lists filter over this entity's properties through a many-to-one
 * relation (`filter[assignee.displayName]` on tasks): see the platform's filterableFields.
 */
function cachedResourcesFilteringOver(model: Model, entity: EntityModel): string[] {
  return model.entities
    .filter(
      (other) =>
        other !== entity &&
        other.cache &&
        other.relations.some(
          (relation) => relation.kind === 'ManyToOne' && relation.owner && relation.target === entity.names.className,
        ),
    )
    .map((other) => other.names.route);
}

/** What a read answers with: every column but write-only and hidden fields, then the ids of owned many-to-many sets (`tagIds`). */
export function readableProperties(entity: EntityModel): string[] {
  const ids = entity.relations.flatMap((relation) => (relation.idsProperty ? [relation.idsProperty] : []));
  return [...entity.columns.filter(isReadable).map((column) => column.property), ...ids];
}

/** `{ name: 'project', kind: 'ManyToOne', target: () => PROJECT_RESOURCE }` for each relation `include` may embed. */
function includableRelations(model: Model, entity: EntityModel, imports: ImportSet, file: string): string[] {
  return entity.relations.flatMap((relation) => {
    const target = model.entities.find((candidate) => candidate.names.className === relation.target);
    if (!target) return [];
    const constant =
      target === entity
        ? resourceConstant(entity)
        : imports.value(importPath(file, entityPaths(target).resource), resourceConstant(target));
    const includable = mayReadThrough(entity, target);
    return [
      `{ name: ${str(relation.property)}, kind: ${str(relation.kind)}, target: () => ${constant}, includable: ${includable} }`,
    ];
  });
}

/** The cached entities with a relation to any of `embedded`: their answers may embed those rows. */
function embeddingResources(model: Model, embedded: readonly EntityModel[]): string[] {
  const targets = new Set(embedded.map((entity) => entity.names.className));
  return model.entities
    .filter((candidate) => candidate.cache && candidate.relations.some((relation) => targets.has(relation.target)))
    .map((candidate) => candidate.names.route);
}

/** Only cached resources have answers to invalidate. */
function cachedResourcesChangedByDelete(model: Model, entity: EntityModel): string[] {
  return entitiesChangedByDelete(model, entity)
    .filter((changed) => changed.cache)
    .map((changed) => changed.names.route);
}

export function dtoNames(entity: EntityModel) {
  const { className } = entity.names;
  return {
    create: `Create${className}Dto`,
    update: `Update${className}Dto`,
    replace: entity.versioned ? `Replace${className}Dto` : `Create${className}Dto`,
    list: `List${pascalPlural(entity)}Query`,
    get: `Get${className}Query`,
    page: `${className}Page`,
    bulkCreate: `BulkCreate${className}Dto`,
    batch: `${className}Batch`,
    response: responseName(entity),
  };
}

function pascalPlural(entity: EntityModel): string {
  return entity.names.camelPlural.charAt(0).toUpperCase() + entity.names.camelPlural.slice(1);
}

/** What a row read back carries that a client cannot set: the key, the timestamps, the soft-delete mark. */
const READ_ONLY_ROLES = new Set(['primary', 'createdAt', 'updatedAt', 'deletedAt']);

/** Read-only properties a body may echo back and that are left out of the write (`readOnlyInput: "ignore"`). */
function ignoredInputProperties(entity: EntityModel, api: ApiModel): string[] {
  if (api.readOnlyInput !== 'ignore') return [];
  return entity.columns.filter((column) => READ_ONLY_ROLES.has(column.role)).map((column) => column.property);
}

export function renderDto(entity: EntityModel, model: Model): string {
  const { api } = model;
  const paths = entityPaths(entity);
  const file = paths.dto;
  const names = dtoNames(entity);
  const imports = new ImportSet(Object.values(names));
  const swagger = imports.values('@nestjs/swagger', 'ApiProperty', 'PartialType');
  const entityImport = importPath(file, paths.entity);

  const members = inputColumns(entity).map((column) => renderInputProperty(column, entity, imports, entityImport, api));
  for (const relation of entity.relations.filter((candidate) => candidate.idsProperty)) {
    members.push(renderIdsProperty(relation.idsProperty!, relation.property, entity, imports));
  }
  if (entity.scope) {
    const scopeInput = imports.value(platformImport(file, 'crud/row-scope'), 'ScopeInput');
    members.push(
      `  /** Set from the token's ${entity.scope.claim} claim: a body may only repeat the caller's own value. */\n  @${scopeInput}()\n  ${entity.scope.property}?: unknown;`,
    );
  }
  for (const property of ignoredInputProperties(entity, api)) {
    const ignored = imports.value(platformImport(file, 'validation/ignored-input'), 'IgnoredInput');
    members.push(
      `  /** Read-only: a body may carry it, and it is not written. */\n  @${ignored}()\n  ${property}?: unknown;`,
    );
  }
  const versionProperty = () => {
    const validator = imports.values('class-validator', 'IsInt', 'IsOptional', 'Min');
    return [
      `  @${imports.value('@nestjs/swagger', 'ApiPropertyOptional')}({ type: 'integer', description: 'The version you last read; if the row has changed since, the answer is 409.' })`,
      `  @${validator.IsOptional}()`,
      `  @${validator.IsInt}()`,
      `  @${validator.Min}(1)`,
      '  version?: number;',
    ].join('\n');
  };

  // The response class first: the page and batch classes below name it in their decorators.
  const blocks = [renderResponse(model, entity, imports), `export class ${names.create} {\n${members.join('\n\n')}\n}`];
  if (entity.versioned) {
    blocks.push(`export class ${names.replace} extends ${names.create} {\n${versionProperty()}\n}`);
  }
  // Every property may be left out of a PATCH, but null is still validated: only a nullable column
  // takes it, so `{ "title": null }` or `{ "tagIds": null }` is a 400 rather than reaching the database.
  blocks.push(
    `export class ${names.update} extends ${swagger.PartialType}(${names.replace}, { skipNullProperties: false }) {}`,
  );
  blocks.push(renderListQuery(model, entity, imports, file));
  blocks.push(...renderBatchDtos(entity, imports, file));
  blocks.push(
    [
      '/** What GET /:id takes besides the id: the same `fields` and `include` as the list. */',
      `export class ${names.get} {`,
      shapeProperties(entity, imports, file),
      '}',
    ].join('\n'),
  );
  const pageBase = imports.value(platformImport(file, 'crud/list-query'), 'PageBase');
  blocks.push(
    [
      `export class ${names.page} extends ${pageBase} {`,
      `  @${swagger.ApiProperty}({ type: [${names.response}] })`,
      `  data!: ${names.response}[];`,
      '}',
    ].join('\n'),
  );
  return imports.file(GENERATED_HEADER, ...blocks);
}

/**
 * The body of a bulk create (`{ "data": [...] }`: the body guard takes objects only) with every item
 * validated as a single create's body, and what it answers: the created rows, in input order.
 */
function renderBatchDtos(entity: EntityModel, imports: ImportSet, file: string): string[] {
  const names = dtoNames(entity);
  const maxItems = imports.value(platformImport(file, 'crud/bulk-write'), 'MAX_BATCH_ITEMS');
  const swagger = imports.value('@nestjs/swagger', 'ApiProperty');
  const validator = imports.values('class-validator', 'ArrayMaxSize', 'ArrayMinSize', 'IsArray', 'ValidateNested');
  const description = `The ${entity.names.camelPlural} to create, each as the body of a single create; all are created or none.`;
  return [
    [
      `export class ${names.bulkCreate} {`,
      `  @${swagger}({ type: [${names.create}], minItems: 1, maxItems: ${maxItems}, description: ${str(description)} })`,
      `  @${validator.IsArray}()`,
      `  @${validator.ArrayMinSize}(1)`,
      `  @${validator.ArrayMaxSize}(${maxItems})`,
      `  @${validator.ValidateNested}({ each: true })`,
      `  @${imports.value('class-transformer', 'Type')}(() => ${names.create})`,
      `  data!: ${names.create}[];`,
      '}',
    ].join('\n'),
    [
      `export class ${names.batch} {`,
      `  @${swagger}({ type: [${names.response}], description: 'The created rows, in the order of the request.' })`,
      `  data!: ${names.response}[];`,
      '}',
    ].join('\n'),
  ];
}

function renderListQuery(model: Model, entity: EntityModel, imports: ImportSet, file: string): string {
  const listQueryBase = imports.value(platformImport(file, 'crud/list-query'), 'ListQueryBase');
  const validator = imports.values('class-validator', 'IsObject', 'IsOptional', 'IsString', 'MaxLength');
  const isSort = imports.value(platformImport(file, 'crud/sort-order'), 'IsSort');
  const isFilter = imports.value(platformImport(file, 'crud/list-filter'), 'IsFilter');
  const resource = imports.value(importPath(file, entityPaths(entity).resource), resourceConstant(entity));
  const optional = imports.value('@nestjs/swagger', 'ApiPropertyOptional');
  const sortDescription =
    'Properties to sort by, separated by commas, each prefixed with - for descending order (sort=-createdAt,title); ' +
    `ties are broken by id. Properties: ${sortableProperties(entity).join(', ')}.`;
  return [
    `export class ${dtoNames(entity).list} extends ${listQueryBase} {`,
    `  @${optional}({ type: 'string', pattern: ${str(SORT_PATTERN)}, description: ${str(sortDescription)} })`,
    `  @${validator.IsOptional}()`,
    `  @${validator.IsString}()`,
    `  @${validator.MaxLength}(${MAX_SORT_LENGTH})`,
    `  @${isSort}(${resource})`,
    '  sort?: string;',
    '',
    '  // Documented by the list handler, as a deepObject parameter, which a DTO property cannot say.',
    `  @${imports.value('@nestjs/swagger', 'ApiHideProperty')}()`,
    `  @${validator.IsOptional}()`,
    `  @${validator.IsObject}()`,
    `  @${isFilter}(${resource})`,
    '  filter?: Record<string, unknown>;',
    '',
    shapeProperties(entity, imports, file),
    '}',
  ].join('\n');
}

/**
 * `fields` and `include`, validated against the model's whitelists in the validation pipe (so their
 * problems share the 400 of the other parameters); documented by the handler as comma-separated lists
 * of their allowed names (an enum), which a DTO property cannot say.
 */
function shapeProperties(entity: EntityModel, imports: ImportSet, file: string): string {
  const optional = imports.value('class-validator', 'IsOptional');
  const hidden = imports.value('@nestjs/swagger', 'ApiHideProperty');
  const isReadShape = imports.value(platformImport(file, 'crud/list-fields'), 'IsReadShape');
  const resource = imports.value(importPath(file, entityPaths(entity).resource), resourceConstant(entity));
  const names = entity.relations.length > 0 ? ['fields', 'include'] : ['fields'];
  return names
    .map((name) =>
      [
        `  @${hidden}()`,
        `  @${optional}()`,
        `  @${isReadShape}(${resource}, ${str(name)})`,
        `  ${name}?: string | string[];`,
      ].join('\n'),
    )
    .join('\n\n');
}

/** What `sort` looks like; the runtime checks each property against the sortable whitelist. */
const SORT_PATTERN = '^-?[A-Za-z][A-Za-z0-9]*(,-?[A-Za-z][A-Za-z0-9]*)*$';
const MAX_SORT_LENGTH = 500;

/** The validators of an input property; a decimal that may also arrive as a JSON number has its own. */
function inputValidators(column: ColumnModel, api: ApiModel): Validator[] {
  if (column.type === 'enum') return [];
  if (column.type === 'decimal' && api.decimals === 'stringOrNumber') {
    return [
      {
        decorator: 'IsDecimalInput',
        args: `${column.precision}, ${column.scale}`,
        platformModule: 'validation/decimal-input',
      },
    ];
  }
  return TYPE_MAP[column.type].validators(column);
}

function renderInputProperty(
  column: ColumnModel,
  entity: EntityModel,
  imports: ImportSet,
  entityImport: string,
  api: ApiModel,
): string {
  const optional = isOptionalOnCreate(column);
  const enumValues = column.type === 'enum' ? imports.value(entityImport, enumConstant(entity, column)) : undefined;
  const file = entityPaths(entity).dto;
  const numberToo = column.type === 'decimal' && api.decimals === 'stringOrNumber';
  const lines = [`  ${apiPropertyDecorator(column, imports, file, 'create', enumValues, numberToo)}`];
  if (column.nullable) {
    lines.push(`  @${imports.value('class-validator', 'IsOptional')}()`);
  } else if (optional) {
    lines.push(`  @${imports.value(platformImport(file, 'validation/optional-not-null'), 'OptionalNotNull')}()`);
  } else {
    // The validation pipe shows only this message when it fails, not the type's, which would not say why.
    lines.push(`  @${imports.value('class-validator', 'IsDefined')}({ message: '$property is required' })`);
  }
  if (enumValues) lines.push(`  @${imports.value('class-validator', 'IsIn')}(${enumValues})`);
  for (const validator of inputValidators(column, api)) {
    const from = validator.platformModule
      ? platformImport(file, validator.platformModule)
      : (validator.from ?? 'class-validator');
    lines.push(`  @${imports.value(from, validator.decorator)}(${validator.args ?? ''})`);
  }
  const type =
    column.type === 'enum'
      ? imports.type(entityImport, enumTypeName(entity, column))
      : numberToo
        ? 'string | number'
        : TYPE_MAP[column.type].ts;
  const tsType = column.nullable && type !== 'unknown' ? `${type} | null` : type;
  lines.push(`  ${column.property}${optional ? '?' : '!'}: ${tsType};`);
  return lines.join('\n');
}

function renderIdsProperty(idsProperty: string, relation: string, entity: EntityModel, imports: ImportSet): string {
  const target = entity.relations.find((candidate) => candidate.property === relation)!;
  const keyType = target.joinTable!.targetKeyType;
  const validator = imports.values('class-validator', 'IsArray', 'ArrayMaxSize');
  // Left out means "leave the set as it is"; null is refused (400) rather than read as either that or
  // "clear it", which a client can say unambiguously with [].
  const optionalNotNull = imports.value(
    platformImport(entityPaths(entity).dto, 'validation/optional-not-null'),
    'OptionalNotNull',
  );
  // Integer keys are `integer` columns: an id beyond its range is a 400 naming this property, where the
  // database would only say that some value is out of range.
  const itemValidators =
    keyType === 'uuid'
      ? [`@${imports.value('class-validator', 'IsUUID')}('all', { each: true })`]
      : [
          `@${imports.value('class-validator', 'IsInt')}({ each: true })`,
          `@${imports.value('class-validator', 'Min')}(-2147483648, { each: true })`,
          `@${imports.value('class-validator', 'Max')}(2147483647, { each: true })`,
        ];
  const item = keyType === 'uuid' ? `{ type: 'string', format: 'uuid' }` : `{ type: 'integer', format: 'int32' }`;
  return [
    `  @${imports.value('@nestjs/swagger', 'ApiPropertyOptional')}({ type: 'array', items: ${item}, description: ${str(`Ids of the related ${relation}; replaces the whole set.`)} })`,
    `  @${optionalNotNull}()`,
    `  @${validator.IsArray}()`,
    `  @${validator.ArrayMaxSize}(1000)`,
    ...itemValidators.map((decorator) => `  ${decorator}`),
    `  ${idsProperty}?: ${keyType === 'uuid' ? 'string' : 'number'}[];`,
  ].join('\n');
}

/** `TaskServiceContext`: what the service base gets injected, declared in the feature file. */
export function serviceContextName(entity: EntityModel): string {
  return `${entity.names.className}ServiceContext`;
}

/**
 * The service base takes one dependency, the generated context, and passes it to the platform's
 * EntityService. What the context holds can change in a later apso without touching the
 * user-owned service: it declares no constructor, or one that passes the context on.
 */
export function renderServiceBase(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const file = paths.serviceBase;
  const { className } = entity.names;
  const imports = new ImportSet([`${className}ServiceBase`]);
  const entityService = imports.value(platformImport(file, 'crud/entity.service'), 'EntityService');
  const context = imports.value(importPath(file, paths.feature), serviceContextName(entity));
  const entityClass = imports.value(importPath(file, paths.entity), className);
  const body = [
    '/** Reads go to the replica pool, writes to the primary; extend it in the user-owned service. */',
    `@${imports.value('@nestjs/common', 'Injectable')}()`,
    `export abstract class ${className}ServiceBase extends ${entityService}<${entityClass}> {`,
    `  constructor(context: ${context}) {`,
    '    super(context);',
    '  }',
    '}',
  ].join('\n');
  return imports.file(GENERATED_HEADER, body);
}

const VERB_DECORATORS = { GET: 'Get', POST: 'Post', PATCH: 'Patch', PUT: 'Put', DELETE: 'Delete' } as const;
const RESPONSE_DECORATORS = { 200: 'ApiOkResponse', 201: 'ApiCreatedResponse', 204: 'ApiNoContentResponse' } as const;
/** The EntityService method behind each operation. */
const SERVICE_METHODS: Record<OperationName, string> = {
  list: 'list',
  get: 'findOne',
  create: 'create',
  update: 'update',
  replace: 'replace',
  remove: 'remove',
  createMany: 'createMany',
  removeMany: 'removeMany',
  listDeleted: 'listDeleted',
  restore: 'restore',
};

/** Errors these operations answer beyond those every operation of their kind does (src/platform/http/openapi.ts). */
const EXTRA_ERRORS: Partial<Record<OperationName, { decorator: string; description: string }>> = {
  removeMany: { decorator: 'ApiNotFoundResponse', description: 'An id names no row; `fields` says which (`ids[2]`).' },
  restore: { decorator: 'ApiNotFoundResponse', description: 'No such row, or it is not deleted.' },
};

/**
 * The operationId and summary of each operation, from the entity's names: `listTasks` "List tasks",
 * `getTask` "Get a task". Client generators name their methods after the operationId.
 */
const OPERATION_DOCS: Record<OperationName, (entity: EntityModel) => { operationId: string; summary: string }> = {
  list: (entity) => ({ operationId: `list${pascalPlural(entity)}`, summary: `List ${words(entity.names.route)}` }),
  get: (entity) => ({ operationId: `get${entity.names.className}`, summary: `Get ${article(entity)} by id` }),
  create: (entity) => ({ operationId: `create${entity.names.className}`, summary: `Create ${article(entity)}` }),
  update: (entity) => ({
    operationId: `update${entity.names.className}`,
    summary: `Change some properties of ${article(entity)}`,
  }),
  replace: (entity) => ({
    operationId: `replace${entity.names.className}`,
    summary: `Replace all writable properties of ${article(entity)}`,
  }),
  remove: (entity) => ({ operationId: `delete${entity.names.className}`, summary: `Delete ${article(entity)}` }),
  createMany: (entity) => ({
    operationId: `create${pascalPlural(entity)}`,
    summary: `Create several ${words(entity.names.route)} in one transaction: all or none`,
  }),
  removeMany: (entity) => ({
    operationId: `delete${pascalPlural(entity)}`,
    summary: `Delete several ${words(entity.names.route)} by id in one transaction: all or none`,
  }),
  listDeleted: (entity) => ({
    operationId: `listDeleted${pascalPlural(entity)}`,
    summary: `List the soft-deleted ${words(entity.names.route)}`,
  }),
  restore: (entity) => ({
    operationId: `restore${entity.names.className}`,
    summary: `Restore a soft-deleted ${words(entity.names.kebab)}`,
  }),
};

/** `audit-events` -> `audit events`. */
function words(kebab: string): string {
  return kebab.replace(/-/g, ' ');
}

/** `a task`, `an audit event`, `a user` (a leading u mostly sounds like "you"). */
function article(entity: EntityModel): string {
  const noun = words(entity.names.kebab);
  return `${/^[aeio]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** The `id` path parameter as the id pipes accept it: a uuid, or an integer in PostgreSQL's `integer` range. */
function idParameterSchema(entity: EntityModel): string {
  return entity.primaryKey.type === 'uuid'
    ? `{ type: 'string', format: 'uuid' }`
    : `{ type: 'integer', format: 'int32', minimum: -2147483648, maximum: 2147483647 }`;
}

/** What each operation does with entity tags (see the platform's EntityTag). */
const ENTITY_TAG_ROLES: Partial<Record<OperationName, string>> = {
  list: 'list',
  get: 'read',
  create: 'create',
  update: 'write',
  replace: 'write',
  remove: 'delete',
};
/** The operations that take If-Match, checked by the service under the row lock. */
const CONDITIONAL_WRITES = new Set<OperationName>(['update', 'replace', 'remove']);

/**
 * The routes of an entity, one handler per operation of the model. The class is decorated so that
 * TypeScript records its constructor's parameter types: the user-owned controller declares no
 * constructor, and Nest resolves a subclass without one from the metadata it inherits from here.
 */
export function renderControllerBase(model: Model, entity: EntityModel): string {
  const paths = entityPaths(entity);
  const file = paths.controllerBase;
  const { className } = entity.names;
  const imports = new ImportSet([`${className}ControllerBase`]);
  const service = imports.value(importPath(file, paths.service), `${className}Service`);
  const handlers = entity.operations.map((operation) => renderHandler(model, operation, entity, imports));
  const body = [
    `/** The REST routes of ${entity.names.route}; the user-owned controller extends it and sets the path. */`,
    `@${imports.value('@nestjs/common', 'Injectable')}()`,
    `export abstract class ${className}ControllerBase {`,
    `  constructor(protected readonly service: ${service}) {}`,
    '',
    handlers.join('\n\n'),
    '}',
  ].join('\n');
  return imports.file(GENERATED_HEADER, body);
}

/** `'public'`, `'authenticated'` or `{ roles: ['admin'] }`: the argument of the platform's @Access. */
function accessRuleLiteral(rule: AccessRule): string {
  return typeof rule === 'string' ? str(rule) : `{ roles: [${rule.roles.map(str).join(', ')}] }`;
}

function renderHandler(model: Model, operation: OperationModel, entity: EntityModel, imports: ImportSet): string {
  const paths = entityPaths(entity);
  const file = paths.controllerBase;
  const nest = (name: string) => imports.value('@nestjs/common', name);
  const dto = (name: string) => imports.value(importPath(file, paths.dto), name);
  const names = dtoNames(entity);
  const decorators = [`@${nest(VERB_DECORATORS[operation.verb])}(${operation.path ? str(operation.path) : ''})`];
  const { operationId, summary } = OPERATION_DOCS[operation.name](entity);
  decorators.push(
    `@${imports.value('@nestjs/swagger', 'ApiOperation')}({ operationId: ${str(operationId)}, summary: ${str(summary)} })`,
  );
  if (operation.access) {
    const access = imports.value(platformImport(file, 'auth/access.decorator'), 'Access');
    decorators.push(`@${access}(${accessRuleLiteral(operation.access)})`);
  }
  if (operation.path.startsWith(':id')) {
    const description = `The ${words(entity.names.kebab)}'s ${entity.primaryKey.type === 'uuid' ? 'uuid' : 'integer id'}.`;
    decorators.push(
      `@${imports.value('@nestjs/swagger', 'ApiParam')}({ name: 'id', description: ${str(description)}, schema: ${idParameterSchema(entity)} })`,
    );
  }
  // Nest answers 201 to a POST and 200 to everything else unless told otherwise.
  if (operation.successStatus !== (operation.verb === 'POST' ? 201 : 200)) {
    decorators.push(`@${nest('HttpCode')}(${operation.successStatus})`);
  }
  if (operation.cached) {
    const cachedRead = imports.value(platformImport(file, 'cache/cached-read.decorator'), 'CachedRead');
    const resource = imports.value(importPath(file, paths.resource), resourceConstant(entity));
    decorators.push(`@${cachedRead}(${resource}, ${str(operation.cached)})`);
  }
  const responseType =
    operation.response === 'page'
      ? dto(names.page)
      : operation.response === 'batch'
        ? dto(names.batch)
        : operation.response === 'entity'
          ? dto(names.response)
          : undefined;
  const resource = () => imports.value(importPath(file, paths.resource), resourceConstant(entity));
  if (operation.name === 'list' || operation.name === 'listDeleted' || operation.name === 'get')
    decorators.push(`@${imports.value(platformImport(file, 'crud/list-fields'), 'ReadShapeQueries')}(${resource()})`);
  // filter[status][eq]=done, documented from the resource's whitelist: every property and its operators.
  if (operation.query)
    decorators.push(`@${imports.value(platformImport(file, 'crud/filter-schema'), 'FilterQuery')}(${resource()})`);
  const responseDecorator = imports.value('@nestjs/swagger', RESPONSE_DECORATORS[operation.successStatus]);
  decorators.push(`@${responseDecorator}(${responseType ? `{ type: ${responseType} }` : ''})`);
  const extraError = EXTRA_ERRORS[operation.name];
  if (extraError) {
    const errorDecorator = imports.value('@nestjs/swagger', extraError.decorator);
    decorators.push(`@${errorDecorator}({ description: ${str(extraError.description)} })`);
  }
  const tagRole = ENTITY_TAG_ROLES[operation.name];
  if (tagRole) {
    const entityTag = imports.value(platformImport(file, 'http/conditional-requests'), 'EntityTag');
    decorators.push(`@${entityTag}(${str(tagRole)})`);
  }

  const parameters: { source: string; argument: string }[] = [];
  if (operation.path.startsWith(':id')) {
    const uuid = entity.primaryKey.type === 'uuid';
    const pipe = imports.value(platformImport(file, 'validation/id.pipe'), uuid ? 'UuidIdPipe' : 'IntegerIdPipe');
    parameters.push({ source: `@${nest('Param')}('id', ${pipe}) id: ${uuid ? 'string' : 'number'}`, argument: 'id' });
  }
  if (operation.query) parameters.push({ source: `@${nest('Query')}() query: ${dto(names.list)}`, argument: 'query' });
  if (operation.name === 'get')
    parameters.push({ source: `@${nest('Query')}() query: ${dto(names.get)}`, argument: 'query' });
  if (operation.body)
    parameters.push({
      source: `@${nest('Body')}() body: ${bodyType(operation.body, entity, imports, file)}`,
      argument: 'body',
    });
  if (CONDITIONAL_WRITES.has(operation.name))
    parameters.push({ source: `@${nest('Headers')}('if-match') ifMatch: string | undefined`, argument: 'ifMatch' });

  return [
    ...decorators.map((decorator) => `  ${decorator}`),
    `  ${operation.name}(${parameters.map((parameter) => parameter.source).join(', ')}): Promise<${responseType ?? 'void'}> {`,
    `    return this.service.${SERVICE_METHODS[operation.name]}(${parameters.map((parameter) => parameter.argument).join(', ')});`,
    '  }',
  ].join('\n');
}

/** The DTO a body is validated as: the entity's own, or the platform's list of ids of the key's type. */
function bodyType(
  body: NonNullable<OperationModel['body']>,
  entity: EntityModel,
  imports: ImportSet,
  file: string,
): string {
  if (body === 'bulkDelete') {
    const name = entity.primaryKey.type === 'uuid' ? 'BulkDeleteUuids' : 'BulkDeleteIntegers';
    return imports.value(platformImport(file, 'crud/bulk-write'), name);
  }
  return imports.value(importPath(file, entityPaths(entity).dto), dtoNames(entity)[body]);
}
