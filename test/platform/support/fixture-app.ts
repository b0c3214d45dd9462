import { createClient } from '@keyv/redis';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadCompiled } from './compiled';
import { createDatabase, redisUrl, TestDatabase } from '../../support/services';

type BootstrapExports = typeof import('../../../src/platform/bootstrap');
type ConfigExports = typeof import('../../../src/platform/config/config');
type ApplyMigrationsExports = typeof import('../../../src/platform/database/apply-migrations');
type AppModuleExports = typeof import('../fixture/app.module');
type EntitiesExports = typeof import('../fixture/entities');
type FixtureMigrationsExports = typeof import('../fixture/migrations');

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
  close(): Promise<void>;
}

/** The fixture's schema, compiled; also what a child process running fixture/migrate.js applies. */
export function fixtureSchema() {
  const { ENTITIES } = loadCompiled<EntitiesExports>('test/platform/fixture/entities');
  const { MIGRATIONS } = loadCompiled<FixtureMigrationsExports>('test/platform/fixture/migrations/index');
  return { entities: ENTITIES, migrations: MIGRATIONS };
}

/** The environment a fixture app runs with: a database of its own and the file's Redis database. */
export function fixtureEnv(database: TestDatabase, redisDatabase: number): Record<string, string> {
  return { DATABASE_URL: database.url, REDIS_URL: redisUrl(redisDatabase), LOG_LEVEL: 'fatal' };
}

/**
 * Boots the fixture app in this process on a random port, against a fresh database with the
 * migrations applied and an emptied Redis database.
 */
export async function startFixtureApp(redisDatabase: number, env: Record<string, string> = {}): Promise<FixtureApp> {
  const { loadConfig } = loadCompiled<ConfigExports>('src/platform/config/config');
  const { applyMigrations } = loadCompiled<ApplyMigrationsExports>('src/platform/database/apply-migrations');
  const { createApp } = loadCompiled<BootstrapExports>('src/platform/bootstrap');
  const { AppModule } = loadCompiled<AppModuleExports>('test/platform/fixture/app.module');

  const database = await createDatabase('apso_platform');
  const redis = connectRedis(redisDatabase);
  try {
    await redis.connect();
    await redis.flushDb();
    const config = loadConfig({ ...fixtureEnv(database, redisDatabase), ...env });
    await applyMigrations(config, fixtureSchema());
    const app = await createApp(AppModule, config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      app,
      baseUrl: await app.getUrl(),
      database,
      redis,
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
