import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import type { Migration, MigrationStep } from '../../generator/src/database/steps';
import { migrationClassName, renderMigration } from '../../generator/src/render/sql/migration';
import { loadCompiled } from '../platform/support/compiled';
import { REPO_ROOT } from '../support/repository';
import { createDatabase, type TestDatabase } from '../support/services';

type ConfigExports = typeof import('../../src/platform/config/config');
type ApplyMigrationsExports = typeof import('../../src/platform/database/apply-migrations');

const TMP = join(REPO_ROOT, 'test', '.tmp', 'migration-transaction');

const CREATE_TABLE: MigrationStep = {
  up: 'CREATE TABLE "docs" ("id" uuid PRIMARY KEY, "body" text)',
  down: 'DROP TABLE "docs"',
  transactional: true,
  lock: 'none',
};
// PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction block.
const CREATE_INDEX_CONCURRENTLY: MigrationStep = {
  up: 'CREATE INDEX CONCURRENTLY "docs_body_idx" ON "docs" ("body")',
  down: 'DROP INDEX CONCURRENTLY "docs_body_idx"',
  transactional: false,
  lock: 'SHARE UPDATE EXCLUSIVE',
};

/** Renders the migrations as apso writes them into a project and loads their classes. */
function migrationClasses(name: string, migrations: Migration[]): Function[] {
  const dir = join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return migrations.map((migration, index) => {
    const file = join(dir, `${index + 1}.ts`);
    writeFileSync(file, renderMigration(index + 1, migration));
    return (require(file) as Record<string, Function>)[migrationClassName(index + 1)];
  });
}

/** The platform's own migration run, as `npm run migrate` does it. */
async function applyMigrations(database: TestDatabase, migrations: Function[]): Promise<string[]> {
  const { loadConfig } = loadCompiled<ConfigExports>('src/platform/config/config');
  const { applyMigrations: apply } = loadCompiled<ApplyMigrationsExports>('src/platform/database/apply-migrations');
  const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'fatal' });
  return apply(config, { entities: [], migrations });
}

describe('migrations whose steps cannot run in a transaction', { timeout: 60_000 }, () => {
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const database = await createDatabase('apso_migration_tx');
    databases.push(database);
    return database;
  };
  before(() => rmSync(TMP, { recursive: true, force: true }));
  after(async () => {
    for (const database of databases) await database.drop();
  });

  test('the platform runs a migration marked non-transactional outside a transaction', async () => {
    const database = await fresh();
    const classes = migrationClasses('marked', [
      { transactional: true, steps: [CREATE_TABLE] },
      { transactional: false, steps: [CREATE_INDEX_CONCURRENTLY] },
    ]);
    assert.deepEqual(await applyMigrations(database, classes), [migrationClassName(1), migrationClassName(2)]);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ valid: boolean }>(
        `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = '"docs_body_idx"'::regclass`,
      );
      assert.deepEqual(rows, [{ valid: true }]);
    } finally {
      await client.end();
    }
  });

  test('the same step in a transactional migration fails: the mark is what makes it run', async () => {
    const database = await fresh();
    const classes = migrationClasses('unmarked', [
      { transactional: true, steps: [CREATE_TABLE, CREATE_INDEX_CONCURRENTLY] },
    ]);
    await assert.rejects(applyMigrations(database, classes), /cannot run inside a transaction block/);
  });
});
