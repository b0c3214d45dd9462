import type { Model } from '../model/types';
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

/**
 * The entities' events (src/platform/events/entity-event.ts): a write inserts one row per event in
 * its own transaction; the worker's relay claims them in `seq` order, queues their deliveries and
 * deletes them. `id` is the event's identity in every delivery, so a subscriber can drop duplicates.
 */
const ENTITY_EVENTS: PlatformTable = {
  name: 'apso_events',
  columns: [
    { name: 'seq', type: 'bigint', nullable: false, identity: 'by default' },
    { name: 'id', type: 'uuid', nullable: false, default: 'gen_random_uuid()' },
    { name: 'entity', type: 'text', nullable: false },
    { name: 'type', type: 'text', nullable: false },
    { name: 'entity_id', type: 'text', nullable: false },
    { name: 'payload', type: 'jsonb', nullable: false },
    { name: 'occurred_at', type: 'timestamptz', nullable: false, default: 'now()' },
  ],
  primaryKey: { name: 'apso_events_pkey', columns: ['seq'] },
  indexes: { apso_events_id_key: { columns: ['id'], unique: true, method: 'btree' } },
};

/**
 * The platform's tables, each with the models that need it; a feature that stores rows of its own
 * declares its table here. A project without the feature gets no table (and no migration) for it.
 */
const PLATFORM_TABLES: readonly { readonly table: PlatformTable; readonly neededBy: (model: Model) => boolean }[] = [
  { table: CACHE_INVALIDATIONS, neededBy: () => true },
  { table: ENTITY_EVENTS, neededBy: (model) => model.entities.some((entity) => entity.events.length > 0) },
];

/** The platform tables `model`'s project needs. */
export function platformTablesOf(model: Model): PlatformTable[] {
  return PLATFORM_TABLES.filter((entry) => entry.neededBy(model)).map((entry) => entry.table);
}
