import * as sql from './sql';
import type { ColumnState, ForeignKeyState, IndexState, TableState } from './state';

/**
 * The strongest lock a step's `up` statement takes on a table that already exists, in PostgreSQL's
 * own names (https://www.postgresql.org/docs/current/explicit-locking.html), weakest first:
 * - `none`: it only creates something new (a type, a table) that nothing else can be using yet;
 * - `SHARE UPDATE EXCLUSIVE`: reads and writes go on (CREATE INDEX CONCURRENTLY);
 * - `SHARE`: reads go on, writes wait (CREATE INDEX);
 * - `SHARE ROW EXCLUSIVE`: the same, on the table and the one it references (ADD FOREIGN KEY);
 * - `ACCESS EXCLUSIVE`: everything waits, reads too (most ALTER TABLE forms, DROP INDEX, DROP TABLE).
 */
export type Lock = 'none' | 'SHARE UPDATE EXCLUSIVE' | 'SHARE' | 'SHARE ROW EXCLUSIVE' | 'ACCESS EXCLUSIVE';

/** One change to the database, with the statement that undoes it. */
export interface MigrationStep {
  readonly up: string;
  readonly down: string;
  /** False when PostgreSQL refuses the statements inside a transaction block (CREATE INDEX CONCURRENTLY). */
  readonly transactional: boolean;
  readonly lock: Lock;
}

/** The steps one migration class holds; TypeORM runs a class either in one transaction or without any. */
export interface Migration {
  readonly transactional: boolean;
  readonly steps: readonly MigrationStep[];
}

const step = (up: string, down: string, lock: Lock): MigrationStep => ({ up, down, transactional: true, lock });

export const createType = (name: string, values: readonly string[]) =>
  step(sql.createType(name, values), sql.dropType(name), 'none');
export const dropType = (name: string, values: readonly string[]) =>
  step(sql.dropType(name), sql.createType(name, values), 'none');

export const createTable = (name: string, table: TableState) =>
  step(sql.createTable(name, table), sql.dropTable(name), 'none');
export const dropTable = (name: string, table: TableState) =>
  step(sql.dropTable(name), sql.createTable(name, table), 'ACCESS EXCLUSIVE');

export const addColumn = (table: string, column: ColumnState) =>
  step(sql.addColumn(table, column), sql.dropColumn(table, column.name), 'ACCESS EXCLUSIVE');
export const dropColumn = (table: string, column: ColumnState) =>
  step(sql.dropColumn(table, column.name), sql.addColumn(table, column), 'ACCESS EXCLUSIVE');

/**
 * NOT NULL set or dropped. Setting it scans the table and fails, in the migration's transaction and
 * naming the column, while any row is still null: nothing is lost, and the fix is to fill the column
 * first (an UPDATE added to the migration that made the column, or to this one).
 */
export const setRequired = (table: string, column: string, required: boolean) =>
  step(sql.setRequired(table, column, required), sql.setRequired(table, column, !required), 'ACCESS EXCLUSIVE');

export const createIndex = (name: string, index: IndexState) =>
  step(sql.createIndex(name, index), sql.dropIndex(name), 'SHARE');
export const dropIndex = (name: string, index: IndexState) =>
  step(sql.dropIndex(name), sql.createIndex(name, index), 'ACCESS EXCLUSIVE');

export const addForeignKey = (name: string, foreignKey: ForeignKeyState) =>
  step(sql.addForeignKey(name, foreignKey), sql.dropConstraint(foreignKey.table, name), 'SHARE ROW EXCLUSIVE');
export const dropForeignKey = (name: string, foreignKey: ForeignKeyState) =>
  step(sql.dropConstraint(foreignKey.table, name), sql.addForeignKey(name, foreignKey), 'ACCESS EXCLUSIVE');

/**
 * Cuts the steps, in order, into migration classes: consecutive transactional steps share one, so
 * they apply or fail together; each step that cannot run in a transaction gets a class of its own,
 * so a failure leaves the database between two migrations and re-running starts at the failed one.
 */
export function toMigrations(steps: readonly MigrationStep[]): Migration[] {
  const migrations: { transactional: boolean; steps: MigrationStep[] }[] = [];
  for (const next of steps) {
    const last = migrations.at(-1);
    if (next.transactional && last?.transactional) last.steps.push(next);
    else migrations.push({ transactional: next.transactional, steps: [next] });
  }
  return migrations;
}
