/**
 * The importer's working model between the .apsorc and the SchemaDocument: entities and fields as
 * read, relationship declarations, and the relations (edges) and relation properties (slots) they become.
 */
import type { FieldSpec, PrimaryKeyType, PropertyNames, RelationType } from '../../schema/document';
import type { ResolvedType } from './types';
import type { Rec } from './values';

export interface FieldDraft {
  pointer: string;
  rawName: string;
  spec: FieldSpec;
  unique: boolean;
  index: boolean;
  mergedInto?: Slot;
}

/** A field while it is read: the object as written, where it is, its type rule and the spec it becomes. */
export interface FieldReading extends ResolvedType {
  f: Rec;
  pointer: string;
  rawName: string;
  spec: FieldSpec;
}

export interface IndexRequest {
  fields: string[];
  unique: boolean;
  name?: string;
}

export interface EntityDraft {
  pointer: string;
  raw: Rec;
  rawName: string;
  name: string;
  /** Whether field properties keep their names as written (the APSO CLI's) or become camelCase. */
  propertyNames: PropertyNames;
  table?: string;
  /** The APSO CLI's route, `pluralize(name as written)`, when it differs from apso's. */
  path?: string;
  description?: string;
  primaryKey: PrimaryKeyType;
  timestamps: boolean;
  softDelete: boolean;
  fields: FieldDraft[];
  /** Raw field name, property and camelCase name -> field, for index look-ups and FK merges. */
  fieldByName: Map<string, FieldDraft>;
  slots: Slot[];
  indexRequests: IndexRequest[];
}

/** A relationship as written: a `relationships` entry, or a v1 association rewritten as one. */
export interface RawRelationship {
  pointer: string;
  raw: unknown;
  /** v1 `join_table: true`. */
  v1JoinTable?: boolean;
}

/** A validated relationship declaration (from `relationships` or a v1 `associations` entry). */
export interface RelDecl {
  pointer: string;
  from: EntityDraft;
  to: EntityDraft;
  type: RelationType;
  toName?: string;
  /** Where the property name is written: `to_name`, or `reference_name` in a v1 association. */
  toNamePointer: string;
  nullable?: boolean;
  biDirectional?: boolean;
  cascade: boolean;
  index: boolean;
  joinTable?: string;
  /** ManyToMany: this side asked for the join table (joinTableName, join columns, v1 join_table). */
  ownsJoin: boolean;
}

/** A relation property on one entity: the declared side or the inverse of an edge. */
export interface Slot {
  entity: EntityDraft;
  edge: Edge;
  base: string;
  explicit: boolean;
  /** Where the explicit name came from, for errors. */
  namePointer: string;
  name: string;
  holdsFk: boolean;
  /** A field had the name, so the relation became `<base>Ref`. */
  refRenamed?: boolean;
}

/** One relation, emitted as one RelationSpec on `declSlot.entity`. */
export interface Edge {
  pointer: string;
  type: RelationType;
  target: EntityDraft;
  declSlot: Slot;
  inverseSlot?: Slot;
  nullable?: boolean;
  nullablePointer: string;
  cascade: boolean;
  index: boolean;
  joinTable?: string;
}
