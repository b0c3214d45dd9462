import { columnDefinition } from './sql';
import type { ColumnState, DatabaseState, ForeignKeyState, IndexState, TableState } from './state';
import * as step from './steps';
import type { MigrationStep } from './steps';

export interface StateDiff {
  /** In the order they run up; down runs each step's reverse in the opposite order. */
  readonly steps: MigrationStep[];
  /** Changes apso will not write a migration for yet, each as a sentence. */
  readonly unsupported: string[];
}

/**
 * The steps that take a database from `previous` to `next`, found by comparing the two as data.
 * Additive changes (types, tables, nullable or defaulted columns, indexes, foreign keys) are migrated;
 * changes that could lose data or lock a large table (dropping or altering columns, tables or enum
 * values) are refused for now.
 */
export function diffStates(
  previous: DatabaseState,
  next: DatabaseState,
  options: { allowDrop?: boolean } = {},
): StateDiff {
  const allowDrop = options.allowDrop ?? false;
  const main: MigrationStep[] = [];
  const unsupported: string[] = [];
  // Drops lose data, so they need the caller's explicit consent (`apso generate --allow-drop`).
  const typeDrops: MigrationStep[] = [];

  for (const [name, values] of entries(next.enums)) {
    const before = previous.enums[name];
    if (!before) main.push(step.createType(name, values));
    else if (!sameList(before, values)) {
      unsupported.push(`enum type "${name}" changed from (${before.join(', ')}) to (${values.join(', ')})`);
    }
  }
  for (const [name, values] of removed(previous.enums, next.enums)) {
    if (!allowDrop) unsupported.push(`enum type "${name}" was removed (pass --allow-drop to drop it)`);
    else typeDrops.push(step.dropType(name, values));
  }

  for (const [name, table] of entries(next.tables)) {
    const before = previous.tables[name];
    if (!before) main.push(step.createTable(name, table));
    else diffTable(name, before, table, { steps: main, unsupported, allowDrop });
  }
  for (const [name, table] of removed(previous.tables, next.tables)) {
    if (!allowDrop) unsupported.push(`table "${name}" was removed (pass --allow-drop to drop it and its rows)`);
    else main.push(step.dropTable(name, table));
  }

  // Changed indexes and constraints keep their names, so every drop runs before any create.
  const drops: MigrationStep[] = [];
  const foreignKeys = diffNamed(previous.foreignKeys, next.foreignKeys, sameForeignKey, drops, {
    create: step.addForeignKey,
    drop: step.dropForeignKey,
  });
  const indexes = diffNamed(previous.indexes, next.indexes, sameIndex, drops, {
    create: step.createIndex,
    drop: step.dropIndex,
  });
  return { steps: [...drops, ...main, ...indexes, ...foreignKeys, ...typeDrops], unsupported };
}

interface TableChanges {
  readonly steps: MigrationStep[];
  readonly unsupported: string[];
  readonly allowDrop: boolean;
}

function diffTable(name: string, before: TableState, after: TableState, changes: TableChanges): void {
  const { steps, unsupported, allowDrop } = changes;
  if (
    !sameList(before.primaryKey.columns, after.primaryKey.columns) ||
    before.primaryKey.name !== after.primaryKey.name
  ) {
    unsupported.push(
      `the primary key of "${name}" changed from "${before.primaryKey.name}" (${before.primaryKey.columns.join(', ')}) to "${after.primaryKey.name}" (${after.primaryKey.columns.join(', ')})`,
    );
  }
  const old = new Map(before.columns.map((column) => [column.name, column]));
  const now = new Set(after.columns.map((column) => column.name));
  for (const column of after.columns) {
    const previous = old.get(column.name);
    if (previous === undefined) {
      if (!column.nullable && column.default === undefined && !column.identity) {
        unsupported.push(
          `column "${name}"."${column.name}" is new and required but has no default, so existing rows cannot get a value`,
        );
      } else steps.push(step.addColumn(name, column));
    } else if (sameColumn(previous, { ...column, nullable: previous.nullable })) {
      if (previous.nullable !== column.nullable) steps.push(step.setRequired(name, column.name, !column.nullable));
    } else {
      unsupported.push(
        `column "${name}"."${column.name}" changed from "${columnDefinition(previous)}" to "${columnDefinition(column)}"`,
      );
    }
  }
  for (const column of before.columns.filter((candidate) => !now.has(candidate.name))) {
    if (!allowDrop)
      unsupported.push(`column "${name}"."${column.name}" was removed (pass --allow-drop to drop it and its data)`);
    else steps.push(step.dropColumn(name, column));
  }
}

/** Creates for what is new or changed, in name order; drops (of what changed or went) go to `drops`. */
function diffNamed<T>(
  previous: Record<string, T>,
  next: Record<string, T>,
  same: (a: T, b: T) => boolean,
  drops: MigrationStep[],
  steps: { create: (name: string, item: T) => MigrationStep; drop: (name: string, item: T) => MigrationStep },
): MigrationStep[] {
  const creates: MigrationStep[] = [];
  for (const [name, item] of entries(next)) {
    const before = previous[name];
    if (before !== undefined && same(before, item)) continue;
    if (before !== undefined) drops.push(steps.drop(name, before));
    creates.push(steps.create(name, item));
  }
  for (const [name, item] of removed(previous, next)) drops.push(steps.drop(name, item));
  return creates;
}

// Equality field by field: optional fields compare by value, so a key written as undefined equals one left out.

function sameColumn(a: ColumnState, b: ColumnState): boolean {
  const sameType =
    typeof a.type === 'string' || typeof b.type === 'string' ? a.type === b.type : a.type.enum === b.type.enum;
  return sameType && a.nullable === b.nullable && a.default === b.default && a.identity === b.identity;
}

function sameIndex(a: IndexState, b: IndexState): boolean {
  return (
    a.table === b.table &&
    sameList(a.columns, b.columns) &&
    a.unique === b.unique &&
    a.method === b.method &&
    a.where === b.where
  );
}

function sameForeignKey(a: ForeignKeyState, b: ForeignKeyState): boolean {
  return (
    a.table === b.table &&
    sameList(a.columns, b.columns) &&
    a.references.table === b.references.table &&
    sameList(a.references.columns, b.references.columns) &&
    a.onDelete === b.onDelete &&
    a.onUpdate === b.onUpdate
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

function entries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

function removed<T>(previous: Record<string, T>, next: Record<string, T>): [string, T][] {
  return entries(previous).filter(([name]) => next[name] === undefined);
}
