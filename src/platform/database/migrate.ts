import { loadConfig } from '../config/config';
import { ConfigError } from '../config/config-error';
import { createLogger } from '../logging/logger';
import { applyMigrations } from './apply-migrations';
import { DatabaseSchema } from './database-schema';

/**
 * Command-line entry (`node dist/migrate.js`): applies pending migrations on the primary, logs one JSON
 * line per migration, exits 0; on any failure prints one line and exits 1.
 */
export async function runMigrations(schema: DatabaseSchema): Promise<never> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  try {
    const applied = await applyMigrations(config, schema);
    for (const name of applied) logger.info({ migration: name }, 'migration applied');
    logger.info({ applied: applied.length }, 'migrations complete');
    logger.flush();
    return process.exit(0);
  } catch (error) {
    // One line with the reason; the stack adds nothing for an operator running a migration.
    logger.fatal({ error: error instanceof Error ? error.message : String(error) }, 'migration failed');
    logger.flush();
    return process.exit(1);
  }
}
