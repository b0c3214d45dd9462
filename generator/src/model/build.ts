import type { EntitySpec, FieldSpec, PropertyNames, SchemaDocument } from '../schema/document';
import { accessOf, authOf } from './access';
import { scopeOf } from './scope';
import { deploymentOf } from './deployment';
import { inferIndexes } from './indexes';
import { eventsOf, jobsOf } from './jobs';
import {
  bookkeepingProperties,
  camelCase,
  constantCase,
  kebabCase,
  limitIdentifier,
  plural,
  snakeCase,
} from './naming';
import {
  foreignKeyColumn,
  foreignKeyProperty,
  holdsForeignKey,
  idsProperty,
  relationSides,
  type RelationSide,
} from './relations';
import type {
  ApiModel,
  AuthModel,
  CacheModel,
  ColumnModel,
  DefaultModel,
  EntityModel,
  EntityNames,
  Model,
  OperationModel,
  RelationModel,
} from './types';

const DEFAULT_ITEM_TTL_SECONDS = 60;
const DEFAULT_LIST_TTL_SECONDS = 10;
const DEFAULT_STRING_LENGTH = 255;
const DEFAULT_EMAIL_LENGTH = 320;
const DEFAULT_DECIMAL = { precision: 10, scale: 2 } as const;

/** Builds the frozen model from a schema that has passed validation. */
export function buildModel(document: SchemaDocument, serviceName = document.name ?? 'apso-service'): Model {
  const specs = new Map(document.entities.map((entity) => [entity.name, entity]));
  const sides = relationSides(document.entities);
  const api = apiOf(document);
  const auth = authOf(document.auth);
  const entities = document.entities
    .map((spec) => buildEntity(spec, sidesOf(spec.name, sides), specs, api, auth))
    .sort((a, b) => a.names.className.localeCompare(b.names.className));
  return deepFreeze({
    name: serviceName,
    entities,
    api,
    deployment: deploymentOf(document.deployment, serviceName),
    auth,
    jobs: jobsOf(document),
  });
}

export function apiOf(document: Pick<SchemaDocument, 'api'>): ApiModel {
  return {
    propertyNames: document.api?.propertyNames ?? 'camelCase',
    decimals: document.api?.decimals ?? 'string',
    readOnlyInput: document.api?.readOnlyInput ?? 'reject',
  };
}

/** Declared sides keep their schema order; sides created by other entities follow, sorted, so entity order never matters. */
function sidesOf(entity: string, sides: readonly RelationSide[]): RelationSide[] {
  const own = sides.filter((side) => side.entity === entity);
  const declared = own.filter((side) => !side.derived);
  const derived = own.filter((side) => side.derived).sort((a, b) => a.property.localeCompare(b.property));
  return [...declared, ...derived];
}

function entityNames(name: string, path: string | undefined): EntityNames {
  return {
    className: name,
    camel: camelCase(name),
    kebab: kebabCase(name),
    camelPlural: camelCase(plural(name)),
    route: path ?? routeOf(name),
    constant: constantCase(name),
  };
}

/** `TaskComment` → `task-comments`: an entity's route unless its `path` says otherwise. */
export function routeOf(name: string): string {
  return kebabCase(plural(name));
}

export function tableName(spec: Pick<EntitySpec, 'name' | 'table'>): string {
  return spec.table ?? snakeCase(plural(spec.name));
}

function buildEntity(
  spec: EntitySpec,
  sides: RelationSide[],
  specs: Map<string, EntitySpec>,
  api: ApiModel,
  auth: AuthModel | null,
): EntityModel {
  const table = tableName(spec);
  const primaryKey = { type: spec.primaryKey ?? 'uuid', property: 'id', column: 'id' } as const;
  const timestamps = spec.timestamps ?? true;
  const softDelete = spec.softDelete ?? false;
  const versioned = spec.versioned ?? false;
  const relations = sides.map((side) => buildRelation(side, table, specs));
  const cache = cacheOf(spec);
  const columns: ColumnModel[] = [
    { property: 'id', column: 'id', role: 'primary', type: primaryKey.type, nullable: false, unique: true },
    ...(spec.fields ?? []).map((field) => buildFieldColumn(field, table)),
    ...sides.filter(holdsForeignKey).map((side) => buildForeignKeyColumn(side, specs)),
    ...bookkeepingColumns(timestamps, softDelete, versioned, api.propertyNames),
  ];
  return {
    names: entityNames(spec.name, spec.path),
    table,
    description: spec.description,
    primaryKey,
    columns,
    relations,
    indexes: inferIndexes({ table, columns, relations, explicit: spec.indexes ?? [], softDelete }),
    timestamps,
    softDelete,
    versioned,
    cache,
    operations: [
      ...crudOperations(cache !== null),
      ...batchOperations(),
      ...(softDelete ? softDeleteOperations() : []),
    ].map((operation) => ({ ...operation, access: accessOf(auth, spec.access, operation.name) })),
    scope: scopeOf(spec, columns),
    events: eventsOf(spec),
  };
}

/** Every entity answers the same six operations; reads are cached unless the entity turned caching off. */
/** An operation before its access rule, which comes from the schema's `access` (model/access.ts). */
type OperationShape = Omit<OperationModel, 'access'>;

function crudOperations(cached: boolean): OperationShape[] {
  const row = { path: ':id', query: false } as const;
  return [
    {
      name: 'list',
      verb: 'GET',
      path: '',
      query: true,
      body: null,
      response: 'page',
      successStatus: 200,
      cached: cached ? 'list' : null,
    },
    {
      ...row,
      name: 'get',
      verb: 'GET',
      body: null,
      response: 'entity',
      successStatus: 200,
      cached: cached ? 'item' : null,
    },
    {
      name: 'create',
      verb: 'POST',
      path: '',
      query: false,
      body: 'create',
      response: 'entity',
      successStatus: 201,
      cached: null,
    },
    { ...row, name: 'update', verb: 'PATCH', body: 'update', response: 'entity', successStatus: 200, cached: null },
    { ...row, name: 'replace', verb: 'PUT', body: 'replace', response: 'entity', successStatus: 200, cached: null },
    { ...row, name: 'remove', verb: 'DELETE', body: null, response: 'none', successStatus: 204, cached: null },
  ];
}

/**
 * Every entity also takes batches: all-or-nothing creates and deletes (POST, since a DELETE's body
 * has no defined meaning in HTTP and proxies may drop it; docs/api.md).
 */
function batchOperations(): OperationShape[] {
  const batch = { query: false, verb: 'POST', cached: null } as const;
  return [
    { ...batch, name: 'createMany', path: 'bulk', body: 'bulkCreate', response: 'batch', successStatus: 201 },
    { ...batch, name: 'removeMany', path: 'bulk-delete', body: 'bulkDelete', response: 'none', successStatus: 204 },
  ];
}

/**
 * A soft-deleting entity lists its deleted rows and restores one. Each is an operation of its own, so
 * that authorization can grant them apart from the live rows' reads and writes. Never cached: they
 * are rare, and answers from the deleted rows would need versions of their own.
 */
function softDeleteOperations(): OperationShape[] {
  return [
    {
      name: 'listDeleted',
      verb: 'GET',
      path: 'deleted',
      query: true,
      body: null,
      response: 'page',
      successStatus: 200,
      cached: null,
    },
    {
      name: 'restore',
      verb: 'POST',
      path: ':id/restore',
      query: false,
      body: null,
      response: 'entity',
      successStatus: 200,
      cached: null,
    },
  ];
}

function buildFieldColumn(field: FieldSpec, table: string): ColumnModel {
  const column = snakeCase(field.name);
  const isDecimal = field.type === 'decimal';
  const hasLength = field.type === 'string' || field.type === 'email';
  return {
    property: field.name,
    column,
    role: 'field',
    type: field.type,
    nullable: field.nullable ?? false,
    unique: field.unique ?? false,
    indexed: field.index ?? false,
    description: field.description,
    default: defaultOf(field),
    length: hasLength
      ? (field.length ?? (field.type === 'email' ? DEFAULT_EMAIL_LENGTH : DEFAULT_STRING_LENGTH))
      : undefined,
    precision: isDecimal ? (field.precision ?? DEFAULT_DECIMAL.precision) : undefined,
    scale: isDecimal ? (field.scale ?? DEFAULT_DECIMAL.scale) : undefined,
    enumValues: field.type === 'enum' ? field.values : undefined,
    enumName: field.type === 'enum' ? limitIdentifier(`${table}_${column}_enum`) : undefined,
    ...(field.hidden ? { visibility: 'hidden' as const } : field.writeOnly ? { visibility: 'writeOnly' as const } : {}),
  };
}

function defaultOf(field: Pick<FieldSpec, 'default'>): DefaultModel | undefined {
  const value = field.default;
  if (value === undefined) return undefined;
  if (isSqlDefault(value)) return { kind: 'sql', sql: value.sql };
  return { kind: 'literal', value };
}

export function isSqlDefault(value: unknown): value is { sql: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { sql?: unknown }).sql === 'string'
  );
}

function buildForeignKeyColumn(side: RelationSide, specs: Map<string, EntitySpec>): ColumnModel {
  return {
    property: foreignKeyProperty(side.property),
    column: foreignKeyColumn(side.property),
    role: 'foreignKey',
    type: specs.get(side.target)?.primaryKey ?? 'uuid',
    nullable: side.nullable,
    unique: side.kind === 'OneToOne',
    relation: side.property,
  };
}

function bookkeepingColumns(
  timestamps: boolean,
  softDelete: boolean,
  versioned: boolean,
  propertyNames: PropertyNames,
): ColumnModel[] {
  const property = bookkeepingProperties(propertyNames);
  const columns: ColumnModel[] = [];
  if (timestamps) {
    columns.push(
      bookkeeping(property.createdAt, 'created_at', 'createdAt'),
      bookkeeping(property.updatedAt, 'updated_at', 'updatedAt'),
    );
  }
  if (softDelete) columns.push({ ...bookkeeping(property.deletedAt, 'deleted_at', 'deletedAt'), nullable: true });
  if (versioned) columns.push({ ...bookkeeping(property.version, 'version', 'version'), type: 'integer' });
  return columns;
}

function bookkeeping(property: string, column: string, role: ColumnModel['role']): ColumnModel {
  return { property, column, role, type: 'timestamp', nullable: false, unique: false };
}

function buildRelation(side: RelationSide, ownTable: string, specs: Map<string, EntitySpec>): RelationModel {
  const base = {
    property: side.property,
    kind: side.kind,
    target: side.target,
    inverse: side.inverse,
    owner: side.owner,
    nullable: side.nullable,
    onDelete: side.onDelete,
  };
  if (holdsForeignKey(side)) {
    const column = foreignKeyColumn(side.property);
    return {
      ...base,
      joinColumn: { property: foreignKeyProperty(side.property), column, constraint: foreignKeyName(ownTable, column) },
    };
  }
  if (side.kind === 'ManyToMany' && side.owner) {
    const owner = specs.get(side.entity);
    const target = specs.get(side.target);
    const ownerColumn = `${snakeCase(side.entity)}_id`;
    let targetColumn = `${snakeCase(singularOf(side.property))}_id`;
    if (targetColumn === ownerColumn) targetColumn = `related_${targetColumn}`;
    const name = side.joinTable ?? limitIdentifier(`${ownTable}_${snakeCase(side.property)}`);
    return {
      ...base,
      idsProperty: idsProperty(side.property),
      joinTable: {
        name,
        joinColumn: ownerColumn,
        inverseJoinColumn: targetColumn,
        joinConstraint: foreignKeyName(name, ownerColumn),
        inverseJoinConstraint: foreignKeyName(name, targetColumn),
        ownerKeyType: owner?.primaryKey ?? 'uuid',
        targetKeyType: target?.primaryKey ?? 'uuid',
        ownerTable: ownTable,
        targetTable: target ? tableName(target) : snakeCase(plural(side.target)),
      },
    };
  }
  return base;
}

function foreignKeyName(table: string, column: string): string {
  return limitIdentifier(`${table}_${column}_fkey`);
}

function singularOf(property: string): string {
  return idsProperty(property).replace(/Ids$/, '');
}

function cacheOf(spec: EntitySpec): CacheModel | null {
  if (spec.cache === false) return null;
  return {
    itemTtlSeconds: spec.cache?.itemTtl ?? DEFAULT_ITEM_TTL_SECONDS,
    listTtlSeconds: spec.cache?.listTtl ?? DEFAULT_LIST_TTL_SECONDS,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
