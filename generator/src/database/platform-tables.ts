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

/**
 * The outbox of cache invalidations (src/platform/cache/invalidation-outbox.ts): a write inserts the
 * version keys it must move in its own transaction, so a move Redis missed (down, slow, the pod died)
 * is applied later by the relay. Written and read with raw SQL only, never as an entity.
 */
const CACHE_INVALIDATIONS: PlatformTable = {
  name: 'apso_cache_invalidations',
  columns: [
    { name: 'id', type: 'bigint', nullable: false, identity: 'by default' },
    { name: 'versions', type: 'jsonb', nullable: false },
    { name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' },
  ],
  primaryKey: { name: 'apso_cache_invalidations_pkey', columns: ['id'] },
  indexes: {
    apso_cache_invalidations_created_at_idx: { columns: ['created_at'], unique: false, method: 'btree' },
  },
};

/** The platform's tables; a feature that stores rows of its own declares its table here. */
export const PLATFORM_TABLES: readonly PlatformTable[] = [CACHE_INVALIDATIONS];
