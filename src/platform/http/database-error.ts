import { DataSource, EntityMetadata, QueryFailedError } from 'typeorm';
import type { RelationIds } from '../crud/resource';
import { connectivityFault } from '../database/connectivity-fault';
import { errorBody, ErrorBody, FieldError } from './error-body';

/** The fields node-postgres puts on a server error (see PostgreSQL "error fields"). */
interface PgError {
  readonly code?: string;
  readonly detail?: string;
  readonly table?: string;
  readonly column?: string;
  readonly message?: string;
}

const INVALID_VALUE_CODES = new Set(['22P02', '22003', '22007', '22008']);

/**
 * Seconds a client is told to wait (Retry-After) when the database cannot be reached. A restarted or
 * failed-over PostgreSQL is usually back within seconds, and the pool reconnects on the next request
 * without a restart of the app, so a short constant beats a setting nobody would tune.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * True when the error means the database cannot be reached right now (see connectivityFault) rather
 * than that the request or the code is wrong: such requests may succeed if retried in a few seconds.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return connectivityFault(error) !== undefined;
}

/** What a client gets while the database is unreachable: no driver text, host or port. */
export function databaseUnavailableBody(): ErrorBody {
  return errorBody(503, 'The database is temporarily unavailable; retry later', undefined, 'database-unavailable');
}

/**
 * The entity a write was for and its id-list properties (`tagIds` for the relation `tags`), so that an
 * error on a many-to-many join table names the property the client sent.
 */
export interface WrittenEntity {
  readonly entity: EntityMetadata;
  readonly relationIds: readonly RelationIds[];
}

/**
 * Turns constraint and data errors into client errors named in the API's terms: entity names
 * (`Project`, as in `Project 42 not found`) and property names, never tables, join tables, columns
 * or constraints. Returns undefined for anything that is not the client's fault.
 * Driver text is parsed here but never copied into the response.
 */
export function databaseErrorBody(
  error: QueryFailedError,
  dataSource: DataSource,
  written?: WrittenEntity,
): ErrorBody | undefined {
  const pg = error.driverError as PgError;
  const names = new SchemaNames(dataSource, written);
  switch (pg.code) {
    case '23505':
      return uniqueViolation(pg, names);
    case '23503':
      return foreignKeyViolation(pg, names);
    case '23502': {
      const field = names.property(pg.table, pg.column);
      return errorBody(400, `${field} must not be null`, [{ field, errors: ['must not be null'] }]);
    }
    default:
      return pg.code !== undefined && INVALID_VALUE_CODES.has(pg.code)
        ? errorBody(400, 'A value has an invalid format or is out of range')
        : undefined;
  }
}

function uniqueViolation(pg: PgError, names: SchemaNames): ErrorBody {
  // Both key columns of a join table map to one property (`tagIds`): name it once.
  const fields = [...new Set(keyColumns(pg.detail).map((column) => names.property(pg.table, column)))];
  const entity = names.entity(pg.table);
  if (fields.length === 0) return errorBody(409, `${entity} already exists`, undefined, 'already-exists');
  const errors: FieldError[] = fields.map((field) => ({ field, errors: ['must be unique'] }));
  return errorBody(409, `${entity} with this ${fields.join(' and ')} already exists`, errors, 'already-exists');
}

function foreignKeyViolation(pg: PgError, names: SchemaNames): ErrorBody {
  const referencedBy = /is still referenced from table "([^"]+)"/.exec(pg.detail ?? '')?.[1];
  if (referencedBy !== undefined) {
    // Delete (or key update) of a referenced row; PostgreSQL's message names the table the row lives in.
    const deleted = /on table "([^"]+)"/.exec(pg.message ?? '')?.[1];
    return errorBody(
      409,
      `${names.entity(deleted)} is still referenced by ${names.entity(referencedBy, 'another record')}`,
      undefined,
      'still-referenced',
    );
  }
  const missingIn = /is not present in table "([^"]+)"/.exec(pg.detail ?? '')?.[1];
  const fields = [...new Set(keyColumns(pg.detail).map((column) => names.property(pg.table, column, missingIn)))];
  const target = names.entity(missingIn);
  const errors: FieldError[] = fields.map((field) => ({ field, errors: [`refers to a missing ${target}`] }));
  return errorBody(
    409,
    `${fields.join(', ') || 'A reference'} refers to a missing ${target}`,
    errors.length > 0 ? errors : undefined,
    'missing-reference',
  );
}

/** Columns of `Key (a, b)=(...)`, unquoted. */
function keyColumns(detail: string | undefined): string[] {
  const list = /^Key \((.+?)\)=\(/.exec(detail ?? '')?.[1];
  if (list === undefined) return [];
  return list.split(', ').map((column) => column.replace(/^"(.*)"$/, '$1').replace(/""/g, '"'));
}

const UNKNOWN_PROPERTY = 'value';

type OwnerRelation = EntityMetadata['manyToManyRelations'][number];

/**
 * Maps table and column names back to entity and property names through TypeORM's metadata. A table
 * TypeORM does not know is never named: the client did not send it and it is none of its business.
 */
class SchemaNames {
  constructor(
    private readonly dataSource: DataSource,
    private readonly written: WrittenEntity | undefined,
  ) {}

  /** `projects` -> `Project`; a join table -> the entity that owns the relation (`project_tags` -> `Project`). */
  entity(table: string | undefined, unknown = 'Resource'): string {
    const metadata = this.metadata(table);
    if (metadata?.isJunction) return this.junctionOwner(metadata)?.entityMetadata.targetName || unknown;
    return metadata?.targetName || unknown;
  }

  /** `organization_id` of `projects` -> `organizationId`; a column TypeORM does not map is just `value`. */
  property(table: string | undefined, column: string | undefined, referencedTable?: string): string {
    const metadata = this.metadata(table);
    if (!metadata || column === undefined) return UNKNOWN_PROPERTY;
    if (metadata.isJunction) {
      // The owner's own key column references the owner's table; the relation is still the one to name.
      return this.junctionRelation(metadata, referencedTable) ?? this.junctionRelation(metadata) ?? UNKNOWN_PROPERTY;
    }
    const matches = metadata.columns.filter((c) => c.databaseName === column);
    // A foreign key is often mapped twice (`projectId` column and `project` relation); prefer the plain column.
    const match = matches.find((c) => !c.relationMetadata) ?? matches[0];
    return match?.propertyPath ?? UNKNOWN_PROPERTY;
  }

  /**
   * A many-to-many join table's errors are reported on the property the client sets it with: the id
   * list (`tagIds`) when the write was for the owning entity, else the relation (`tags`).
   */
  private junctionRelation(junction: EntityMetadata, referencedTable?: string): string | undefined {
    const relation = this.junctionOwner(junction, referencedTable);
    if (relation === undefined) return undefined;
    const ids =
      this.written?.entity === relation.entityMetadata
        ? this.written.relationIds.find((r) => r.relation === relation.propertyPath)?.idsProperty
        : undefined;
    return ids ?? relation.propertyPath;
  }

  /** The owning side's relation of a join table (the one that references `referencedTable`, if given). */
  private junctionOwner(junction: EntityMetadata, referencedTable?: string): OwnerRelation | undefined {
    for (const metadata of this.dataSource.entityMetadatas) {
      // Not ownerManyToManyRelations: TypeORM fills that list before it knows which side owns the join table.
      const relation = metadata.manyToManyRelations.find(
        (r) =>
          r.isOwning &&
          r.junctionEntityMetadata === junction &&
          (referencedTable === undefined || r.inverseEntityMetadata.tableName === referencedTable),
      );
      if (relation) return relation;
    }
    return undefined;
  }

  private metadata(table: string | undefined): EntityMetadata | undefined {
    return table === undefined ? undefined : this.dataSource.entityMetadatas.find((m) => m.tableName === table);
  }
}
