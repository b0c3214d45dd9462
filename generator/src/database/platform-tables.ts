import type { ColumnState, ForeignKeyState, IndexState, PrimaryKeyState } from './state-shape';

/**
 * A table apso's platform runtime needs in every project (an outbox, say), declared as the state
 * it must have. It enters `.apso/database-state.json` and the migrations beside the entities' tables.
 */
export interface PlatformTable {
  readonly name: string;
  readonly columns: readonly ColumnState[];
  readonly primaryKey: PrimaryKeyState;
  /** Index name → the index on this table. */
  readonly indexes?: Readonly<Record<string, Omit<IndexState, 'table'>>>;
  /** Constraint name → a foreign key from this table. */
  readonly foreignKeys?: Readonly<Record<string, Omit<ForeignKeyState, 'table'>>>;
}

/** The platform's tables. None yet; a feature that stores rows of its own declares its table here. */
export const PLATFORM_TABLES: readonly PlatformTable[] = [];
