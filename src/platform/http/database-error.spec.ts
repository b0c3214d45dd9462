import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client, DatabaseError, Pool } from 'pg';
import { DataSource, EntitySchema, QueryFailedError } from 'typeorm';
import { databaseErrorBody, isDatabaseUnavailable, type WrittenEntity } from './database-error';

/** The machine's PostgreSQL (TEST_POSTGRES_URL, as in test/support/services.ts); only the `postgres` database is touched. */
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

/** What a rejected promise rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

/** As TypeORM reports an error raised by a query. */
function asQueryFailed(driverError: unknown): QueryFailedError {
  return new QueryFailedError('INSERT INTO widgets ...', [], driverError as Error);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('isDatabaseUnavailable, on the errors pg really throws', () => {
  let admin: Client;

  before(async () => {
    admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
  });

  after(async () => {
    await admin?.end();
  });

  test('a refused connection (ECONNREFUSED)', async () => {
    const client = new Client({ connectionString: `postgres://root@127.0.0.1:${await closedPort()}/postgres` });
    const error = await rejection(client.connect());
    assert.equal((error as { code?: string }).code, 'ECONNREFUSED');
    assert.equal(isDatabaseUnavailable(error), true);
  });

  test('a backend terminated mid-query (57P01), and the dead connection used afterwards', async () => {
    const victim = new Client({ connectionString: POSTGRES_URL });
    await victim.connect();
    victim.on('error', () => undefined); // the lost connection is also reported as an event
    const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const sleeping = rejection(victim.query('SELECT pg_sleep(10)'));
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    const terminated = await sleeping;
    assert.ok(terminated instanceof DatabaseError);
    assert.equal(terminated.code, '57P01');
    assert.equal(isDatabaseUnavailable(terminated), true);
    assert.equal(isDatabaseUnavailable(asQueryFailed(terminated)), true);

    // Which of pg's two messages a dead connection gives depends on whether pg has already seen the
    // socket close when the query is sent; both mean the same and both must count.
    const lost = await rejection(victim.query('SELECT 1'));
    assert.match((lost as Error).message, /^(Connection terminated|Client has encountered a connection error)/);
    assert.equal(isDatabaseUnavailable(asQueryFailed(lost)), true);
  });

  test('a pool that cannot hand out a connection in time', async () => {
    const pool = new Pool({ connectionString: POSTGRES_URL, max: 1, connectionTimeoutMillis: 100 });
    const held = await pool.connect();
    try {
      const error = await rejection(pool.query('SELECT 1'));
      assert.equal((error as Error).message, 'timeout exceeded when trying to connect');
      assert.equal(isDatabaseUnavailable(error), true);
    } finally {
      held.release();
      await pool.end();
    }
  });

  test('connection exceptions (class 08) and a server starting up (57P03)', () => {
    for (const code of ['08006', '08001', '57P03']) {
      const error = new DatabaseError('connection failure', 0, 'error');
      error.code = code;
      assert.equal(isDatabaseUnavailable(asQueryFailed(error)), true, code);
    }
  });

  test('errors of the request or of the code are not unavailability', async () => {
    const syntax = await rejection(admin.query('SELEC 1'));
    const raised = await rejection(admin.query(`DO $$ BEGIN RAISE EXCEPTION 'boom'; END $$`));
    const invalid = await rejection(admin.query(`SELECT 'x'::uuid`));
    for (const error of [syntax, raised, invalid]) {
      assert.ok(error instanceof DatabaseError);
      assert.equal(isDatabaseUnavailable(asQueryFailed(error)), false, error.code);
    }
    assert.equal(isDatabaseUnavailable(new Error('something else')), false);
    assert.equal(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')")), false);
    assert.equal(isDatabaseUnavailable('ECONNREFUSED'), false);
    assert.equal(isDatabaseUnavailable(undefined), false);
  });
});

describe('databaseErrorBody names entities and the properties a client sent, never tables', () => {
  // Entity metadata as generated code declares it, and the same tables as real (temporary) ones, so
  // that the errors are PostgreSQL's own; `legacy_notes` is a table no entity maps, as a hand-made one.
  const Organization = new EntitySchema({
    name: 'Organization',
    tableName: 'organizations',
    columns: { id: { type: 'int', primary: true } },
  });
  const Tag = new EntitySchema({ name: 'Tag', tableName: 'tags', columns: { id: { type: 'int', primary: true } } });
  const Project = new EntitySchema<{ id: number; organizationId: number; tags: unknown[] }>({
    name: 'Project',
    tableName: 'projects',
    columns: {
      id: { type: 'int', primary: true },
      organizationId: { name: 'organization_id', type: 'int' },
    },
    relations: {
      tags: {
        type: 'many-to-many',
        target: 'Tag',
        joinTable: {
          name: 'project_tags',
          joinColumn: { name: 'project_id', referencedColumnName: 'id' },
          inverseJoinColumn: { name: 'tag_id', referencedColumnName: 'id' },
        },
      },
    },
  });
  let admin: Client;
  let dataSource: DataSource;
  let writtenProject: WrittenEntity;

  before(async () => {
    admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`
      CREATE TEMP TABLE organizations (id int PRIMARY KEY);
      CREATE TEMP TABLE tags (id int PRIMARY KEY);
      CREATE TEMP TABLE projects (id int PRIMARY KEY, organization_id int NOT NULL REFERENCES organizations (id));
      CREATE TEMP TABLE project_tags (
        project_id int REFERENCES projects (id), tag_id int REFERENCES tags (id), PRIMARY KEY (project_id, tag_id));
      CREATE TEMP TABLE legacy_notes (organization_id int REFERENCES organizations (id));
      INSERT INTO organizations VALUES (1), (2);
      INSERT INTO tags VALUES (7);
      INSERT INTO projects VALUES (1, 1);
      INSERT INTO project_tags VALUES (1, 7);
      INSERT INTO legacy_notes VALUES (2);`);
    dataSource = new DataSource({ type: 'postgres', entities: [Organization, Tag, Project] });
    // The metadata alone: no connection is needed to map names.
    await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
    writtenProject = {
      entity: dataSource.getMetadata('Project'),
      relationIds: [{ idsProperty: 'tagIds', relation: 'tags' }],
    };
  });

  after(async () => {
    await admin?.end();
  });

  async function bodyOf(sql: string, written?: WrittenEntity) {
    const error = await rejection(admin.query(sql));
    assert.ok(error instanceof DatabaseError, String(error));
    return databaseErrorBody(asQueryFailed(error), dataSource, written);
  }

  test('an id in tagIds that is not a tag: 409 on tagIds, in the message and the fields', async () => {
    const body = await bodyOf('INSERT INTO project_tags VALUES (1, 999)', writtenProject);
    assert.deepEqual(body, {
      statusCode: 409,
      error: 'Conflict',
      message: 'tagIds refers to a missing Tag',
      fields: [{ field: 'tagIds', errors: ['refers to a missing Tag'] }],
    });
  });

  test('the same id twice in the join table: 409 on tagIds, named once, with no join table name', async () => {
    const body = await bodyOf('INSERT INTO project_tags VALUES (1, 7)', writtenProject);
    assert.deepEqual(body, {
      statusCode: 409,
      error: 'Conflict',
      message: 'Project with this tagIds already exists',
      fields: [{ field: 'tagIds', errors: ['must be unique'] }],
    });
  });

  test('a write not made for the owning entity names the relation, still not the table', async () => {
    const body = await bodyOf('INSERT INTO project_tags VALUES (1, 999)');
    assert.equal(body?.message, 'tags refers to a missing Tag');
  });

  test('deleting a row a join table still references names the owning entity', async () => {
    const body = await bodyOf('DELETE FROM tags WHERE id = 7');
    assert.deepEqual(body, { statusCode: 409, error: 'Conflict', message: 'Tag is still referenced by Project' });
  });

  test('deleting a row another entity references names both entities', async () => {
    const body = await bodyOf('DELETE FROM organizations WHERE id = 1');
    assert.equal(body?.message, 'Organization is still referenced by Project');
  });

  test('a table or column the entities do not map is never named', async () => {
    const referenced = await bodyOf('DELETE FROM organizations WHERE id = 2');
    assert.equal(referenced?.message, 'Organization is still referenced by another record');
    const missing = await bodyOf('INSERT INTO legacy_notes VALUES (999)');
    assert.equal(missing?.message, 'value refers to a missing Organization');
    for (const body of [referenced, missing]) {
      assert.doesNotMatch(JSON.stringify(body), /legacy_notes|organization_id/);
    }
  });
});
