import { quoteIdentifier as q } from '../type-map';
import type { DatabaseState, TableState } from './state';

export interface MigrationSteps {
  readonly up: string[];
  readonly down: string[];
  /** Changes apso will not write a migration for yet, each as a sentence. */
  readonly unsupported: string[];
}

/**
 * The statements that take a database from `previous` to `next`. Additive changes (types, tables,
 * nullable or defaulted columns, indexes, foreign keys) are migrated; changes that could lose data
 * or lock a large table (dropping or altering columns, tables or enum values) are refused for now.
 */
export function diffStates(
  previous: DatabaseState,
  next: DatabaseState,
  options: { allowDrop?: boolean } = {},
): MigrationSteps {
  const up: string[] = [];
  const down: string[] = [];
  const unsupported: string[] = [];
  // Drops lose data, so they need the caller's explicit consent (`apso generate --allow-drop`).
  const typeDrops = { up: [] as string[], down: [] as string[] };

  for (const [name, values] of entries(next.enums)) {
    const before = previous.enums[name];
    if (!before) {
      up.push(`CREATE TYPE ${q(name)} AS ENUM (${values.map(literal).join(', ')})`);
      down.unshift(`DROP TYPE ${q(name)}`);
    } else if (before.join('\u0000') !== values.join('\u0000')) {
      unsupported.push(`enum type "${name}" changed from (${before.join(', ')}) to (${values.join(', ')})`);
    }
  }
  for (const name of Object.keys(previous.enums)
    .filter((name) => !next.enums[name])
    .sort()) {
    if (!options.allowDrop) unsupported.push(`enum type "${name}" was removed (pass --allow-drop to drop it)`);
    else {
      typeDrops.up.push(`DROP TYPE ${q(name)}`);
      typeDrops.down.unshift(`CREATE TYPE ${q(name)} AS ENUM (${previous.enums[name].map(literal).join(', ')})`);
    }
  }

  for (const [name, table] of entries(next.tables)) {
    const before = previous.tables[name];
    if (!before) {
      up.push(createTable(name, table));
      down.unshift(`DROP TABLE ${q(name)}`);
    } else {
      diffColumns(name, before, table, { up, down, unsupported, allowDrop: options.allowDrop ?? false });
    }
  }
  for (const name of Object.keys(previous.tables)
    .filter((name) => !next.tables[name])
    .sort()) {
    if (!options.allowDrop) unsupported.push(`table "${name}" was removed (pass --allow-drop to drop it and its rows)`);
    else {
      up.push(`DROP TABLE ${q(name)}`);
      down.unshift(createTable(name, previous.tables[name]));
    }
  }

  // Changed indexes and constraints keep their names, so every drop runs before any create.
  const drops = { up: [] as string[], down: [] as string[] };
  const foreignKeys = { up: [] as string[], down: [] as string[] };
  const indexes = { up: [] as string[], down: [] as string[] };
  diffNamed(
    previous.foreignKeys,
    next.foreignKeys,
    foreignKeys,
    drops,
    (name, item) => `ALTER TABLE ${q(item.table)} DROP CONSTRAINT ${q(name)}`,
  );
  diffNamed(previous.indexes, next.indexes, indexes, drops, (name) => `DROP INDEX ${q(name)}`);
  return {
    up: [...drops.up, ...up, ...indexes.up, ...foreignKeys.up, ...typeDrops.up],
    down: [...typeDrops.down, ...foreignKeys.down, ...indexes.down, ...down, ...drops.down],
    unsupported,
  };
}

interface ColumnSteps {
  readonly up: string[];
  readonly down: string[];
  readonly unsupported: string[];
  readonly allowDrop: boolean;
}

function diffColumns(
  table: string,
  before: TableState,
  after: TableState,
  { up, down, unsupported, allowDrop }: ColumnSteps,
): void {
  const old = new Map(before.columns);
  const now = new Map(after.columns);
  for (const [column, definition] of after.columns) {
    const previous = old.get(column);
    if (previous === undefined) {
      if (/NOT NULL/.test(definition) && !/DEFAULT|IDENTITY/.test(definition)) {
        unsupported.push(
          `column "${table}"."${column}" is new and required but has no default, so existing rows cannot get a value`,
        );
        continue;
      }
      up.push(`ALTER TABLE ${q(table)} ADD COLUMN ${q(column)} ${definition}`);
      down.unshift(`ALTER TABLE ${q(table)} DROP COLUMN ${q(column)}`);
    } else if (previous !== definition) {
      unsupported.push(`column "${table}"."${column}" changed from "${previous}" to "${definition}"`);
    }
  }
  for (const column of [...old.keys()].filter((name) => !now.has(name))) {
    if (!allowDrop)
      unsupported.push(`column "${table}"."${column}" was removed (pass --allow-drop to drop it and its data)`);
    else {
      up.push(`ALTER TABLE ${q(table)} DROP COLUMN ${q(column)}`);
      down.unshift(`ALTER TABLE ${q(table)} ADD COLUMN ${q(column)} ${old.get(column)}`);
    }
  }
}

type Steps = { up: string[]; down: string[] };

function diffNamed<T extends { sql: string }>(
  previous: Record<string, T>,
  next: Record<string, T>,
  steps: Steps,
  drops: Steps,
  drop: (name: string, item: T) => string,
): void {
  for (const [name, item] of entries(next)) {
    const before = previous[name];
    if (before?.sql === item.sql) continue;
    if (before) {
      drops.up.push(drop(name, before));
      drops.down.unshift(before.sql);
    }
    steps.up.push(item.sql);
    steps.down.unshift(drop(name, item));
  }
  for (const [name, item] of entries(previous).filter(([name]) => !next[name])) {
    drops.up.push(drop(name, item));
    drops.down.unshift(item.sql);
  }
}

function createTable(name: string, table: TableState): string {
  const lines = [
    ...table.columns.map(([column, definition]) => `  ${q(column)} ${definition}`),
    `  CONSTRAINT ${q(table.primaryKey.name)} PRIMARY KEY (${table.primaryKey.columns.map(q).join(', ')})`,
  ];
  return `CREATE TABLE ${q(name)} (\n${lines.join(',\n')}\n)`;
}

function entries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
