import { DataSource, MigrationExecutor } from 'typeorm';
import { AppConfig } from '../config/config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseSchema } from './database-schema';

/** Arbitrary constant; every apso app uses the same advisory lock id for its migration run. */
const MIGRATION_LOCK_ID = 7_271_022_451;

/**
 * A transaction pooler hands each transaction to any server connection: the session-level advisory
 * lock would be taken on one connection and released (or not) on another, and a migration that runs
 * outside a transaction (CREATE INDEX CONCURRENTLY) could be split across several.
 */
export const TRANSACTION_POOLER_REFUSAL =
  'DB_TRANSACTION_POOLING=true: migrations need a database session of their own (an advisory lock, DDL), ' +
  'which a transaction pooler does not give; run them on the direct URL of the primary ' +
  '(DATABASE_URL=<DATABASE_DIRECT_URL> DB_TRANSACTION_POOLING=false)';

/**
 * Applies pending migrations on the primary, one transaction each, and returns their names in order.
 * A session-level advisory lock makes concurrent runs (several pods starting at once) wait their turn
 * instead of racing on the same migration.
 */
export async function applyMigrations(config: AppConfig, schema: DatabaseSchema): Promise<string[]> {
  if (config.dbTransactionPooling) throw new Error(TRANSACTION_POOLER_REFUSAL);
  const dataSource = new DataSource({ ...dataSourceOptions('primary', config, schema), subscribers: [] });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}

/**
 * The migrations of `schema` the database has not applied yet, read without writing anything (not
 * even the migrations table), so a pod may ask while the migration job is still running.
 */
export async function pendingMigrations(config: AppConfig, schema: DatabaseSchema): Promise<string[]> {
  const options = dataSourceOptions('primary', config, schema);
  const dataSource = new DataSource({ ...options, subscribers: [], extra: { ...options.extra, max: 1 } });
  await dataSource.initialize();
  try {
    const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
    return pending.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
