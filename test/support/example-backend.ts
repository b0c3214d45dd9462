import { join } from 'node:path';
import { Client } from 'pg';
import { createTenant, exampleAuthEnv, type ExampleTenant, tenantClient } from './example-auth';
import type { HttpResult } from './http';
import { REPO_ROOT } from './repository';
import { createDatabase, emptyRedis, type RunningApp, runScript, startApp, type TestDatabase } from './services';

/**
 * This repository's own generated backend (dist/main.js), migrated and booted as a real process, with
 * one tenant created through its API.
 */
export interface ExampleBackend {
  readonly app: RunningApp;
  /** A connection to the backend's database, for checking what requests did to the rows. */
  readonly sql: Client;
  /** The organization and user requests act as unless they send their own authorization header. */
  readonly tenant: ExampleTenant;
  /** The environment the backend runs with (its database, Redis, AUTH_* and the extra variables). */
  readonly env: Readonly<Record<string, string>>;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  /** One string that changes whenever any row of any table changes. */
  snapshot(): Promise<string>;
  stop(): Promise<void>;
}

export async function bootExampleBackend(
  prefix: string,
  redisDatabase: number,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<ExampleBackend> {
  const database = await createDatabase(prefix);
  try {
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: await emptyRedis(redisDatabase),
      ...exampleAuthEnv(),
      ...extraEnv,
    };
    await runScript(join(REPO_ROOT, 'dist', 'migrate.js'), env);
    const app = await startApp(join(REPO_ROOT, 'dist', 'main.js'), env);
    const tenant = await createTenant(app.baseUrl).catch(async (error: unknown) => {
      await app.stop();
      throw error;
    });
    const sql = new Client({ connectionString: database.url });
    await sql.connect();
    // The outbox of cache invalidations empties itself in the background after each write
    // (docs/runtime.md): bookkeeping of the platform, not rows a request changed.
    const snapshotQuery = checksumQuery(
      (await tableNames(sql)).filter((table) => table !== 'apso_cache_invalidations'),
    );
    return {
      app,
      sql,
      tenant,
      env,
      send: tenantClient(app.baseUrl, tenant),
      snapshot: async () => JSON.stringify((await sql.query(snapshotQuery)).rows),
      async stop() {
        await sql.end();
        await app.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** Every table of the public schema, join tables and the migrations table included. */
export async function tableNames(sql: Client): Promise<string[]> {
  const { rows } = await sql.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((row) => row.name);
}

/**
 * One query that returns, per table, its row count and an md5 of all its rows as text: cheap enough
 * to run around every write request of a property test, and it sees any change to any column.
 */
function checksumQuery(tables: readonly string[]): string {
  // Identifiers cannot be parameters; these names come from information_schema and are quoted here.
  return tables
    .map((table) => {
      const identifier = `"${table.replace(/"/g, '""')}"`;
      const literal = `'${table.replace(/'/g, "''")}'`;
      return `SELECT ${literal} AS "table", count(*) AS "rows",
        md5(coalesce(string_agg(row_text, '|' ORDER BY row_text), '')) AS "checksum"
        FROM (SELECT t::text AS row_text FROM ${identifier} t) r`;
    })
    .join('\nUNION ALL\n');
}
