import type { IndexSpec } from '../schema/document';
import { limitIdentifier } from './naming';
import type { ColumnModel, IndexModel, IndexOrigin, RelationModel } from './types';

/**
 * Enum fields with one of these names are what lists filter by next to a parent: `(organizationId, status)`.
 * Read from the column, so that `orderStatus` and `order_status` are alike.
 */
const STATUS_LIKE = /(^|_)(status|state|stage|phase)$/;

function isStatusLike(column: ColumnModel): boolean {
  return column.role === 'field' && column.type === 'enum' && STATUS_LIKE.test(column.column);
}

interface IndexInput {
  readonly table: string;
  readonly columns: readonly ColumnModel[];
  readonly relations: readonly RelationModel[];
  readonly explicit: readonly IndexSpec[];
  readonly softDelete: boolean;
}

/**
 * Explicit indexes first, then the ones every scalable table needs: unique and indexed fields,
 * each foreign key, `created_at` (default list order and time-range scans), and
 * `(foreign key, status)` for "open tasks of this project". Exact duplicates are dropped.
 */
export function inferIndexes(input: IndexInput): IndexModel[] {
  const byProperty = new Map(input.columns.map((column) => [column.property, column]));
  const byRelation = new Map(
    input.columns.filter((column) => column.relation).map((column) => [column.relation!, column]),
  );
  const resolve = (name: string): ColumnModel | undefined => byProperty.get(name) ?? byRelation.get(name);
  // Soft-deleted rows must not block a new row with the same unique value.
  const liveRows = input.softDelete ? 'deleted_at IS NULL' : undefined;

  const candidates: IndexModel[] = [];
  const add = (origin: IndexOrigin, columns: ColumnModel[], unique: boolean, where?: string, name?: string) =>
    candidates.push({
      name: name ?? indexName(input.table, columns, unique),
      properties: columns.map((column) => column.property),
      columns: columns.map((column) => column.column),
      unique,
      where,
      origin,
    });

  for (const spec of input.explicit) {
    const columns = spec.fields.map(resolve).filter((column): column is ColumnModel => column !== undefined);
    add('explicit', columns, spec.unique ?? false, spec.where ?? (spec.unique ? liveRows : undefined), spec.name);
  }
  for (const column of input.columns.filter(
    (candidate) => candidate.role === 'field' || candidate.role === 'foreignKey',
  )) {
    if (column.unique) add('field', [column], true, liveRows);
  }
  for (const column of input.columns) {
    if (column.role === 'field' && column.indexed) add('field', [column], false);
  }
  const foreignKeys = input.columns.filter((column) => column.role === 'foreignKey');
  for (const column of foreignKeys) if (!column.unique) add('foreignKey', [column], false);
  const createdAt = input.columns.find((column) => column.role === 'createdAt');
  if (createdAt) add('createdAt', [createdAt], false);
  const statuses = input.columns.filter(isStatusLike);
  for (const foreignKey of foreignKeys) {
    for (const status of statuses) add('foreignKeyStatus', [foreignKey, status], false);
  }
  return withoutDuplicates(candidates);
}

function indexName(table: string, columns: readonly ColumnModel[], unique: boolean): string {
  return limitIdentifier(`${table}_${columns.map((column) => column.column).join('_')}_${unique ? 'key' : 'idx'}`);
}

/** Drops exact duplicates; indexes over the same columns that differ otherwise get numbered names. */
function withoutDuplicates(indexes: IndexModel[]): IndexModel[] {
  const seen = new Set<string>();
  const names = new Set<string>();
  return indexes
    .filter((index) => {
      const key = `${index.columns.join(',')}|${index.unique}|${index.where ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((index) => {
      let name = index.name;
      for (let suffix = 2; names.has(name); suffix++) name = limitIdentifier(`${index.name}_${suffix}`);
      names.add(name);
      return name === index.name ? index : { ...index, name };
    });
}
