import { DataSource, EntityMetadata, QueryFailedError } from 'typeorm';
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
  return errorBody(503, 'The database is temporarily unavailable; retry later');
}

/**
 * Turns constraint and data errors into client errors named in the API's terms (entity and property
 * names, not tables and columns). Returns undefined for anything that is not the client's fault.
 * Driver text is parsed here but never copied into the response.
 */
export function databaseErrorBody(error: QueryFailedError, dataSource: DataSource): ErrorBody | undefined {
  const pg = error.driverError as PgError;
  const names = new SchemaNames(dataSource);
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
  const fields = keyColumns(pg.detail).map((column) => names.property(pg.table, column));
  const entity = names.entity(pg.table);
  if (fields.length === 0) return errorBody(409, `${entity} already exists`);
  const errors: FieldError[] = fields.map((field) => ({ field, errors: ['must be unique'] }));
  return errorBody(409, `${entity} with this ${fields.join(' and ')} already exists`, errors);
}

function foreignKeyViolation(pg: PgError, names: SchemaNames): ErrorBody {
  const referencedBy = /is still referenced from table "([^"]+)"/.exec(pg.detail ?? '')?.[1];
  if (referencedBy !== undefined) {
    // Delete (or key update) of a referenced row; the message names the table the row lives in.
    const deleted = /on table "([^"]+)"/.exec(pg.message ?? '')?.[1];
    return errorBody(409, `${names.entity(deleted)} is still referenced by ${referencedBy}`);
  }
  const missingIn = /is not present in table "([^"]+)"/.exec(pg.detail ?? '')?.[1];
  const fields = keyColumns(pg.detail).map((column) => names.property(pg.table, column, missingIn));
  const target = names.entity(missingIn);
  const errors: FieldError[] = fields.map((field) => ({ field, errors: [`refers to a missing ${target}`] }));
  return errorBody(409, `${fields.join(', ') || 'A reference'} refers to a missing ${target}`, errors);
}

/** Columns of `Key (a, b)=(...)`, unquoted. */
function keyColumns(detail: string | undefined): string[] {
  const list = /^Key \((.+?)\)=\(/.exec(detail ?? '')?.[1];
  if (list === undefined) return [];
  return list.split(', ').map((column) => column.replace(/^"(.*)"$/, '$1').replace(/""/g, '"'));
}

/** Maps table and column names back to entity and property names through TypeORM's metadata. */
class SchemaNames {
  constructor(private readonly dataSource: DataSource) {}

  entity(table: string | undefined): string {
    return this.metadata(table)?.targetName || table || 'Resource';
  }

  property(table: string | undefined, column: string | undefined, referencedTable?: string): string {
    const metadata = this.metadata(table);
    if (!metadata || column === undefined) return column ?? 'value';
    if (metadata.isJunction) return this.junctionRelation(metadata, referencedTable) ?? column;
    const matches = metadata.columns.filter((c) => c.databaseName === column);
    // A foreign key is often mapped twice (`projectId` column and `project` relation); prefer the plain column.
    const match = matches.find((c) => !c.relationMetadata) ?? matches[0];
    return match?.propertyPath ?? column;
  }

  /** A many-to-many join table's errors are reported on the owning entity's relation (e.g. `tags`). */
  private junctionRelation(junction: EntityMetadata, referencedTable: string | undefined): string | undefined {
    for (const metadata of this.dataSource.entityMetadatas) {
      const relation = metadata.manyToManyRelations.find(
        (r) =>
          r.junctionEntityMetadata === junction &&
          (referencedTable === undefined || r.inverseEntityMetadata.tableName === referencedTable),
      );
      if (relation) return relation.propertyPath;
    }
    return undefined;
  }

  private metadata(table: string | undefined): EntityMetadata | undefined {
    return table === undefined ? undefined : this.dataSource.entityMetadatas.find((m) => m.tableName === table);
  }
}
