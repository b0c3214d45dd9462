import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The machine's PostgreSQL (admin connection) and Redis; override for other environments. */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
export const REDIS_BASE_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database named apso_platform_<random>; drop() removes it even with open sessions. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `apso_platform_${randomBytes(6).toString('hex')}`;
  // Identifiers cannot be bound as parameters; the name is generated above from hex digits only.
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * Each test file uses its own Redis logical database, so the fixed `apso:` keys of one file's app
 * never meet another's; the file flushes it first.
 */
export function redisUrl(database: number): string {
  const url = new URL(REDIS_BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
