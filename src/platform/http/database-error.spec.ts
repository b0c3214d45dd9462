import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client, DatabaseError, Pool } from 'pg';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-error';

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
