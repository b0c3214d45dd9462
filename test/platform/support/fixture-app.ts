import { createClient } from '@keyv/redis';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { loadCompiled } from './compiled';
import { createDatabase, redisUrl, TestDatabase } from '../../support/services';

type BootstrapExports = typeof import('../../../src/platform/bootstrap');
type ConfigExports = typeof import('../../../src/platform/config/config');
type CacheKeysExports = typeof import('../../../src/platform/cache/cache-keys');
type CacheKeys = import('../../../src/platform/cache/cache-keys').CacheKeys;
type ApplyMigrationsExports = typeof import('../../../src/platform/database/apply-migrations');
type DatabaseSchema = import('../../../src/platform/database/database-schema').DatabaseSchema;

/** A plain Redis client for tests to look at what the app stored. */
export function connectRedis(redisDatabase: number) {
  return createClient({ url: redisUrl(redisDatabase) });
}

export type RedisClient = ReturnType<typeof connectRedis>;

export interface FixtureApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly database: TestDatabase;
  readonly redis: RedisClient;
  /** The keys this app writes, in its namespace. */
  readonly cacheKeys: CacheKeys;
  close(): Promise<void>;
}

/** The generated app's entities and migrations, compiled; also what a child process running src/migrate.js applies. */
export function fixtureSchema(): DatabaseSchema {
  const { ENTITIES } = loadCompiled<{ ENTITIES: DatabaseSchema['entities'] }>('src/generated/entities');
  const { MIGRATIONS } = loadCompiled<{ MIGRATIONS: DatabaseSchema['migrations'] }>('src/generated/migrations');
  return { entities: ENTITIES, migrations: MIGRATIONS };
}

/** The name of a widget whose insert fails inside the database, once armExplodingWidget() has run. */
export const EXPLODING_WIDGET = 'explode';
/** What the database's error says; it belongs in the server's log, never in a response. */
export const EXPLOSION = 'fixture explosion';

/**
 * The 500 path. Generated code has no route that fails by itself, so a trigger makes the database
 * refuse to insert a widget named EXPLODING_WIDGET with an error that is not the client's fault
 * (SQLSTATE P0001, raise_exception), as a broken database or a bug in a user's SQL would.
 */
export async function armExplodingWidget(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      CREATE FUNCTION explode_widget() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.name = '${EXPLODING_WIDGET}' THEN
          RAISE EXCEPTION '${EXPLOSION}';
        END IF;
        RETURN NEW;
      END $$`);
    await client.query(
      'CREATE TRIGGER explode_widget BEFORE INSERT ON widgets FOR EACH ROW EXECUTE FUNCTION explode_widget()',
    );
  } finally {
    await client.end();
  }
}

/** The environment a fixture app runs with: a database of its own and the file's Redis database. */
export function fixtureEnv(database: TestDatabase, redisDatabase: number): Record<string, string> {
  return { DATABASE_URL: database.url, REDIS_URL: redisUrl(redisDatabase), LOG_LEVEL: 'fatal' };
}

/** Extra environment for a fixture app; a function gets the fresh database first (e.g. to reach it another way). */
export type FixtureEnv =
  Record<string, string> | ((database: TestDatabase) => Record<string, string> | Promise<Record<string, string>>);

/**
 * Boots the fixture app in this process on a random port, against a fresh database with the
 * migrations applied and an emptied Redis database.
 */
export async function startFixtureApp(redisDatabase: number, env: FixtureEnv = {}): Promise<FixtureApp> {
  const { loadConfig } = loadCompiled<ConfigExports>('src/platform/config/config');
  const { applyMigrations } = loadCompiled<ApplyMigrationsExports>('src/platform/database/apply-migrations');
  const { createApp } = loadCompiled<BootstrapExports>('src/platform/bootstrap');
  const { AppModule } = loadCompiled<{ AppModule: Type<unknown> }>('src/app.module');
  const { CacheKeys } = loadCompiled<CacheKeysExports>('src/platform/cache/cache-keys');

  const database = await createDatabase('apso_platform');
  const redis = connectRedis(redisDatabase);
  try {
    await redis.connect();
    await redis.flushDb();
    const extraEnv = typeof env === 'function' ? await env(database) : env;
    const config = loadConfig({ ...fixtureEnv(database, redisDatabase), ...extraEnv });
    await applyMigrations(config, fixtureSchema());
    const app = await createApp(AppModule, config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      app,
      baseUrl: await app.getUrl(),
      database,
      redis,
      cacheKeys: app.get(CacheKeys),
      close: async () => {
        await app.close();
        await redis.quit();
        await database.drop();
      },
    };
  } catch (error) {
    if (redis.isOpen) await redis.quit();
    await database.drop();
    throw error;
  }
}
