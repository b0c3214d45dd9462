/**
 * The shape of `schema.apso.json` as a user writes it, before validation.
 * `apso.schema.json` beside this file describes the same shape for editors and ajv;
 * `docs/schema.md` explains every option. Keep the three in step.
 */

export const FIELD_TYPES = [
  'string',
  'text',
  'email',
  'integer',
  'smallint',
  'bigint',
  'decimal',
  'float',
  'boolean',
  'date',
  'time',
  'timestamp',
  'interval',
  'uuid',
  'json',
  'jsonb',
  'enum',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const RELATION_TYPES = ['ManyToOne', 'OneToMany', 'OneToOne', 'ManyToMany'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export const ON_DELETE_ACTIONS = ['CASCADE', 'SET NULL', 'RESTRICT', 'NO ACTION'] as const;
export type OnDeleteAction = (typeof ON_DELETE_ACTIONS)[number];

export const PRIMARY_KEY_TYPES = ['uuid', 'integer'] as const;
export type PrimaryKeyType = (typeof PRIMARY_KEY_TYPES)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface SchemaDocument {
  $schema?: string;
  version?: 1;
  /** Used for the standalone project's package name and OpenAPI title. */
  name?: string;
  entities: EntitySpec[];
}

export interface EntitySpec {
  /** PascalCase singular, e.g. `TaskComment`. */
  name: string;
  /** Overrides the snake_case plural table name. */
  table?: string;
  description?: string;
  primaryKey?: PrimaryKeyType;
  /** `created_at` and `updated_at` columns; on by default. */
  timestamps?: boolean;
  /** A `deleted_at` column; DELETE then hides rows instead of removing them. */
  softDelete?: boolean;
  /** A `version` column for optimistic locking. */
  versioned?: boolean;
  /** Redis cache of GET responses; `false` turns it off for this entity. */
  cache?: false | CacheSpec;
  fields?: FieldSpec[];
  relationships?: RelationSpec[];
  indexes?: IndexSpec[];
}

export interface CacheSpec {
  /** Seconds a GET-by-id answer stays cached. */
  itemTtl?: number;
  /** Seconds a list answer stays cached. */
  listTtl?: number;
}

export interface FieldSpec {
  /** camelCase property name; the column is its snake_case form. */
  name: string;
  type: FieldType;
  description?: string;
  nullable?: boolean;
  unique?: boolean;
  /** An index on this column alone. */
  index?: boolean;
  /** A literal value, or `{ "sql": "now()" }` for a database expression. */
  default?: JsonValue | { sql: string };
  /** Maximum length of a `string` or `email`. */
  length?: number;
  precision?: number;
  scale?: number;
  /** The allowed values of an `enum`. */
  values?: string[];
}

export interface RelationSpec {
  /** The property on this entity, e.g. `organization` or `tasks`. */
  name: string;
  type: RelationType;
  /** The related entity's name. */
  target: string;
  /** The property on the target entity that points back; omitted means one-sided. */
  inverse?: string;
  /** Whether the foreign key may be null (ManyToOne, OneToOne, OneToMany's child side). */
  nullable?: boolean;
  onDelete?: OnDeleteAction;
  /** ManyToMany only: the join table's name. */
  joinTable?: string;
}

export interface IndexSpec {
  name?: string;
  /** Field or relation names (a relation means its foreign-key column). */
  fields: string[];
  unique?: boolean;
  /** A partial index predicate in SQL, over column names, e.g. `deleted_at IS NULL`. */
  where?: string;
}
