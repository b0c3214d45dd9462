import type {
  DecimalInput,
  EntityEventType,
  JobsOptions,
  FieldType,
  JsonValue,
  OnDeleteAction,
  PrimaryKeyType,
  PropertyNames,
  ReadOnlyInput,
  RelationType,
} from '../schema/document';
import type { DeploymentModel } from './deployment';

/**
 * The intermediate representation every emitter reads. Built once from a valid schema,
 * frozen, and fully resolved: emitters never derive a name, a column or an inverse themselves.
 */
export interface Model {
  readonly name: string;
  /** Sorted by class name, so schema order never changes output. */
  readonly entities: readonly EntityModel[];
  readonly api: ApiModel;
  readonly deployment: DeploymentModel;
  /** Authentication (schema `auth`) with its defaults; null: none, every route public. */
  readonly auth: AuthModel | null;
  /** Webhooks (schema `webhooks`) and their delivery settings (`jobs`, defaults applied); null: none, no worker. */
  readonly jobs: JobsModel | null;
}

export interface JobsModel extends JobsOptions {
  readonly webhooks: readonly WebhookModel[];
}

/** A webhook subscription; its URL and signing secret come from the two variables it names. */
export interface WebhookModel {
  readonly name: string;
  /** Topics, `Project.created`, as the schema lists them. */
  readonly events: readonly string[];
  /** `WEBHOOK_BILLING_URL` */
  readonly urlVariable: string;
  /** `WEBHOOK_BILLING_SECRET` */
  readonly secretVariable: string;
  readonly description?: string;
}

export interface AuthModel {
  readonly jwt: {
    /** A claim name or a dotted path into nested claims (`realm_access.roles`). */
    readonly rolesClaim: string;
    readonly clockToleranceSeconds: number;
    /** Defaults for AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE and AUTH_JWKS_URL, which override them. */
    readonly issuer?: string;
    readonly audience?: string;
    readonly jwksUrl?: string;
  };
  /** API keys accepted besides tokens (schema `auth.apiKey`); null: tokens only. */
  readonly apiKey: { readonly header: string } | null;
}

/** Who may call an operation: anyone, any valid token, or a valid token holding one of the roles. */
export type AccessRule = 'public' | 'authenticated' | { readonly roles: readonly string[] };

/** The request and response conventions (schema `api`), with their defaults applied. */
export interface ApiModel {
  readonly propertyNames: PropertyNames;
  readonly decimals: DecimalInput;
  readonly readOnlyInput: ReadOnlyInput;
}

export interface EntityNames {
  /** `TaskComment` */
  readonly className: string;
  /** `taskComment` */
  readonly camel: string;
  /** `task-comment`: folder and file base name. */
  readonly kebab: string;
  /** `taskComments` */
  readonly camelPlural: string;
  /** `task-comments`: the route path and the cache namespace. */
  readonly route: string;
  /** `TASK_COMMENT`: prefix of generated constants. */
  readonly constant: string;
}

export interface EntityModel {
  readonly names: EntityNames;
  readonly table: string;
  readonly description?: string;
  readonly primaryKey: PrimaryKeyModel;
  /** Every column the table has, in table order: primary key, fields, foreign keys, bookkeeping. */
  readonly columns: readonly ColumnModel[];
  readonly relations: readonly RelationModel[];
  readonly indexes: readonly IndexModel[];
  readonly timestamps: boolean;
  readonly softDelete: boolean;
  readonly versioned: boolean;
  readonly cache: CacheModel | null;
  /** The REST operations of the entity, in route order; controllers are rendered from this list. */
  readonly operations: readonly OperationModel[];
  /** Row scoping (schema `scope`), or null: every caller the access rules admit sees every row. */
  readonly scope: ScopeModel | null;
  /** The events its writes publish (schema `events`), in the order created, updated, deleted; empty: none. */
  readonly events: readonly EntityEventType[];
}

/**
 * Binds each row to a tenant or an owner: a request sees and writes only the rows whose `property`
 * equals its token's `claim`.
 */
export interface ScopeModel {
  /** The property clients see: a field, or a relation's foreign key (`organizationId`). */
  readonly property: string;
  readonly column: string;
  readonly claim: string;
  /** What the claim must be to compare with the column; anything else is refused (403). */
  readonly type: 'uuid' | 'integer' | 'string';
  /** Set when `property` is the foreign key of this relation. */
  readonly relation?: string;
}

export type OperationName =
  'list' | 'get' | 'create' | 'update' | 'replace' | 'remove' | 'createMany' | 'removeMany' | 'listDeleted' | 'restore';

/** One HTTP operation on an entity's route. Who may call it joins this with authorization. */
export interface OperationModel {
  /** The handler's name. */
  readonly name: OperationName;
  readonly verb: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /**
   * Below the entity's route: the collection, one row, a batch (`bulk`, `bulk-delete`), the
   * soft-deleted rows (`deleted`) or the restore of one (`:id/restore`).
   */
  readonly path: '' | ':id' | 'bulk' | 'bulk-delete' | 'deleted' | ':id/restore';
  /** Takes the list query (`?limit`, `?offset`, `?sort`). */
  readonly query: boolean;
  /** The request body: which input DTO, or none. */
  readonly body: 'create' | 'update' | 'replace' | 'bulkCreate' | 'bulkDelete' | null;
  /** What a success answers: a page of rows, one row, the rows of a batch, or nothing. */
  readonly response: 'page' | 'entity' | 'batch' | 'none';
  readonly successStatus: 200 | 201 | 204;
  /** The cached read that answers it (its TTL is the entity's item or list TTL), or null for writes and uncached entities. */
  readonly cached: 'item' | 'list' | null;
  /** Who may call it; null when the service has no authentication. */
  readonly access: AccessRule | null;
}

export interface PrimaryKeyModel {
  readonly type: PrimaryKeyType;
  readonly property: 'id';
  readonly column: 'id';
}

export type ColumnRole = 'primary' | 'field' | 'foreignKey' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'version';

export interface ColumnModel {
  readonly property: string;
  readonly column: string;
  readonly role: ColumnRole;
  /** The logical type; foreign keys carry their target's key type (`uuid` or `integer`). */
  readonly type: FieldType;
  readonly nullable: boolean;
  readonly unique: boolean;
  /** A single-column index was asked for (`index: true`). */
  readonly indexed?: boolean;
  readonly description?: string;
  readonly default?: DefaultModel;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly enumValues?: readonly string[];
  /** PostgreSQL enum type name, for `enum` columns. */
  readonly enumName?: string;
  /** Set for foreign keys: the relation property that owns the column. */
  readonly relation?: string;
  /**
   * Fields only: `writeOnly` is accepted in request bodies but never answered; `hidden` is in no
   * request and no answer (user code sets and reads it). Absent: read and written like any field.
   */
  readonly visibility?: ColumnVisibility;
}

export type ColumnVisibility = 'writeOnly' | 'hidden';

/** Whether an answer may carry the column: every column but write-only and hidden fields. */
export function isReadable(column: ColumnModel): boolean {
  return column.visibility === undefined;
}

/** Whether a request body may carry the column (if its role is writable at all): every column but hidden fields. */
export function isWritable(column: ColumnModel): boolean {
  return column.visibility !== 'hidden';
}

export type DefaultModel =
  { readonly kind: 'literal'; readonly value: JsonValue } | { readonly kind: 'sql'; readonly sql: string };

export interface RelationModel {
  readonly property: string;
  readonly kind: RelationType;
  readonly target: string;
  /** The property on the target that points back, when the relation is two-sided. */
  readonly inverse?: string;
  /** This side holds the foreign key (ManyToOne, owning OneToOne) or the join table (owning ManyToMany). */
  readonly owner: boolean;
  readonly nullable: boolean;
  readonly onDelete: OnDeleteAction;
  /** Owning ManyToOne/OneToOne: the foreign-key column on this entity. */
  readonly joinColumn?: { readonly property: string; readonly column: string; readonly constraint: string };
  /** Owning ManyToMany: the join table. */
  readonly joinTable?: JoinTableModel;
  /** Owning ManyToMany: the DTO property carrying the related ids, e.g. `tagIds`. */
  readonly idsProperty?: string;
}

export interface JoinTableModel {
  readonly name: string;
  /** Column referencing the owning side. */
  readonly joinColumn: string;
  /** Column referencing the target side. */
  readonly inverseJoinColumn: string;
  readonly joinConstraint: string;
  readonly inverseJoinConstraint: string;
  readonly ownerKeyType: PrimaryKeyType;
  readonly targetKeyType: PrimaryKeyType;
  readonly ownerTable: string;
  readonly targetTable: string;
}

export type IndexOrigin = 'explicit' | 'field' | 'foreignKey' | 'createdAt' | 'foreignKeyStatus';

export interface IndexModel {
  readonly name: string;
  /** Property names, for the `@Index` decorator. */
  readonly properties: readonly string[];
  /** Column names, for SQL. */
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly where?: string;
  readonly origin: IndexOrigin;
}

export interface CacheModel {
  readonly itemTtlSeconds: number;
  readonly listTtlSeconds: number;
}
