import { type AppConfig, loadConfig } from '../config/config';
import { ConfigError } from '../config/config-error';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger';
import { applyMigrations, pendingMigrations } from './apply-migrations';
import { DatabaseSchema } from './database-schema';

/** How long `--wait` waits by default: long enough for a migration job to be scheduled and to run. */
const DEFAULT_WAIT_SECONDS = 600;
const POLL_INTERVAL_MS = 2000;

/**
 * Command-line entry (`node dist/migrate.js`): applies pending migrations on the primary, logs one JSON
 * line per migration, exits 0; on any failure prints one line and exits 1.
 *
 * `--wait[=SECONDS]` applies nothing: it waits until the database has every migration this build
 * contains, then exits 0, or exits 1 after SECONDS (600 by default). An API pod runs it before the
 * server starts (a Kubernetes init container), so a new version never serves a database its
 * migration job has not brought up to date, whichever order `kubectl apply` created them in.
 */
export async function runMigrations(
  schema: DatabaseSchema,
  args: readonly string[] = process.argv.slice(2),
): Promise<never> {
  const waitSeconds = parseArguments(args);
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const succeeded =
    waitSeconds === null ? await migrate(config, schema, logger) : await wait(config, schema, logger, waitSeconds);
  logger.flush();
  return process.exit(succeeded ? 0 : 1);
}

/** null: migrate; a number: wait that many seconds at most. Exits on an argument it does not know. */
function parseArguments(args: readonly string[]): number | null {
  if (args.length === 0) return null;
  const match = args.length === 1 ? /^--wait(?:=(\d+))?$/.exec(args[0]) : null;
  if (match === null) {
    process.stderr.write(`usage: migrate.js [--wait[=SECONDS]]; got ${args.join(' ')}\n`);
    return process.exit(1);
  }
  return match[1] === undefined ? DEFAULT_WAIT_SECONDS : Number(match[1]);
}

async function migrate(config: AppConfig, schema: DatabaseSchema, logger: Logger): Promise<boolean> {
  try {
    const applied = await applyMigrations(config, schema);
    for (const name of applied) logger.info({ migration: name }, 'migration applied');
    logger.info({ applied: applied.length }, 'migrations complete');
    return true;
  } catch (error) {
    // One line with the reason; the stack adds nothing for an operator running a migration.
    logger.fatal({ error: reason(error) }, 'migration failed');
    return false;
  }
}

async function wait(config: AppConfig, schema: DatabaseSchema, logger: Logger, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  let last = '';
  for (;;) {
    // The database may not answer yet either (it starts with the release): that is waiting too.
    const state = await pendingMigrations(config, schema).then(
      (pending) => ({ pending, error: undefined }),
      (error: unknown) => ({ pending: undefined, error: reason(error) }),
    );
    if (state.pending?.length === 0) {
      logger.info({ migrations: schema.migrations.length }, 'database is up to date');
      return true;
    }
    const now = JSON.stringify(state);
    if (now !== last) logger.info(state, 'waiting for migrations');
    last = now;
    if (Date.now() + POLL_INTERVAL_MS > deadline) {
      logger.fatal({ ...state, seconds }, 'database still not migrated');
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
