import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { loadCompiled } from '../platform/support/compiled';
import { REPO_ROOT } from '../support/repository';
import { createDatabase, type TestDatabase } from '../support/services';

type ConfigExports = typeof import('../../src/platform/config/config');
type ApplyMigrationsExports = typeof import('../../src/platform/database/apply-migrations');

/** This repository's migrations as `npm run build` compiled them (dist/migrations), oldest first. */
function exampleMigrations(): Function[] {
  return [1, 2, 3, 4].map((sequence) => {
    const name = `000${sequence}-apso-schema`;
    const exports = require(join(REPO_ROOT, 'dist', 'migrations', `${name}.js`)) as Record<string, Function>;
    return exports[`ApsoSchema${String(sequence).padStart(13, '0')}`];
  });
}

async function applyMigrations(database: TestDatabase, migrations: Function[]): Promise<string[]> {
  const { loadConfig } = loadCompiled<ConfigExports>('src/platform/config/config');
  const { applyMigrations: apply } = loadCompiled<ApplyMigrationsExports>('src/platform/database/apply-migrations');
  const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'fatal' });
  return apply(config, { entities: [], migrations });
}

/**
 * Tasks and comments became scoped by their organization in migrations 3 and 4 (docs/schema.md,
 * Migrations): 3 adds the column and fills it from each row's project, 4 makes it required. A database
 * that already holds tasks and comments must come through with every row in its project's tenant.
 */
describe("the example's tenant columns on a database with rows", { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let sql: Client;
  before(async () => {
    database = await createDatabase('apso_example_upgrade');
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });
  after(async () => {
    await sql?.end();
    await database?.drop();
  });

  test('migrations 3 and 4 put every task and comment in its project organization, then require it', async () => {
    const migrations = exampleMigrations();
    await applyMigrations(database, migrations.slice(0, 2));
    const id = async (text: string, values: unknown[]) => (await sql.query(text, values)).rows[0].id as string;
    const comments: Record<string, string> = {};
    for (const slug of ['acme', 'globex']) {
      const organization = await id(`INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id`, [slug]);
      const author = await id(
        `INSERT INTO users (email, display_name, organization_id) VALUES ($1, $1, $2) RETURNING id`,
        [`${slug}@example.com`, organization],
      );
      const project = await id(
        `INSERT INTO projects (name, organization_id, version) VALUES ($1, $2, 1) RETURNING id`,
        [slug, organization],
      );
      const task = await id(`INSERT INTO tasks (title, project_id, version) VALUES ($1, $2, 1) RETURNING id`, [
        slug,
        project,
      ]);
      const subtask = await id(
        `INSERT INTO tasks (title, project_id, parent_id, version) VALUES ($1, $2, $3, 1) RETURNING id`,
        [`${slug} subtask`, project, task],
      );
      for (const onTask of [task, subtask])
        comments[
          await id(`INSERT INTO comments (body, task_id, author_id) VALUES ('hello', $1, $2) RETURNING id`, [
            onTask,
            author,
          ])
        ] = organization;
    }

    assert.deepEqual(await applyMigrations(database, migrations), [
      'ApsoSchema0000000000003',
      'ApsoSchema0000000000004',
    ]);

    const { rows: tasks } = await sql.query<{ task: string; project: string }>(
      `SELECT t.organization_id AS task, p.organization_id AS project FROM tasks t JOIN projects p ON p.id = t.project_id`,
    );
    assert.equal(tasks.length, 4);
    for (const row of tasks) assert.equal(row.task, row.project, 'a task is in its project organization');
    const { rows: commentRows } = await sql.query<{ id: string; organization: string }>(
      `SELECT id, organization_id AS organization FROM comments`,
    );
    assert.deepEqual(
      Object.fromEntries(commentRows.map((row) => [row.id, row.organization])),
      comments,
      'a comment is in its task organization',
    );
    const { rows: required } = await sql.query<{ table: string; nullable: string }>(
      `SELECT table_name AS table, is_nullable AS nullable FROM information_schema.columns
        WHERE column_name = 'organization_id' AND table_name IN ('tasks', 'comments') ORDER BY table_name`,
    );
    assert.deepEqual(required, [
      { table: 'comments', nullable: 'NO' },
      { table: 'tasks', nullable: 'NO' },
    ]);
  });
});
