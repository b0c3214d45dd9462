import assert from 'node:assert/strict';
import { createServer, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client, DatabaseError, Pool } from 'pg';
import { connectivityFault } from './connectivity-fault';
import { asQueryFailed, POSTGRES_URL, rejection } from '../../../test/support/pg-errors';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connectivityFault, on the errors pg really throws', () => {
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
    assert.equal(connectivityFault(error), 'refused');
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
    assert.equal(connectivityFault(terminated), 'terminated');
    assert.equal(connectivityFault(asQueryFailed(terminated)), 'terminated');

    // What a dead connection gives depends on whether pg has already seen the socket close when the
    // query is sent (one of two messages) or the write hits the closed socket (ECONNRESET); all count.
    const lost = await rejection(victim.query('SELECT 1'));
    assert.match(
      (lost as Error).message,
      /^(Connection terminated|Client has encountered a connection error|read ECONNRESET)/,
    );
    assert.equal(connectivityFault(asQueryFailed(lost)), 'terminated');
  });

  test('a pool that cannot hand out a connection in time', async () => {
    const pool = new Pool({ connectionString: POSTGRES_URL, max: 1, connectionTimeoutMillis: 100 });
    const held = await pool.connect();
    try {
      const error = await rejection(pool.query('SELECT 1'));
      assert.equal((error as Error).message, 'timeout exceeded when trying to connect');
      assert.equal(connectivityFault(error), 'timeout');
    } finally {
      held.release();
      await pool.end();
    }
  });

  test('a connect that times out', async () => {
    // A listening socket that never answers the startup message, as a host behind a dead route looks.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const url = `postgres://root@127.0.0.1:${port}/postgres`;
    const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 100 });
    try {
      const fromPool = await rejection(pool.query('SELECT 1'));
      assert.match((fromPool as Error).message, /^Connection terminated due to connection timeout/);
      assert.equal(connectivityFault(fromPool), 'timeout');
      const fromClient = await rejection(new Client({ connectionString: url, connectionTimeoutMillis: 100 }).connect());
      assert.equal((fromClient as Error).message, 'timeout expired');
      assert.equal(connectivityFault(fromClient), 'timeout');
    } finally {
      await pool.end();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('connection exceptions (class 08), a server starting up and one out of connection slots', () => {
    const expected = {
      '08006': 'connection_exception',
      '08001': 'connection_exception',
      '57P03': 'cannot_connect_now',
      '53300': 'too_many_connections',
    };
    for (const [code, fault] of Object.entries(expected)) {
      const error = new DatabaseError('connection failure', 0, 'error');
      error.code = code;
      assert.equal(connectivityFault(asQueryFailed(error)), fault, code);
    }
  });

  test('errors of the request or of the code are not unavailability', async () => {
    const syntax = await rejection(admin.query('SELEC 1'));
    const raised = await rejection(admin.query(`DO $$ BEGIN RAISE EXCEPTION 'boom'; END $$`));
    const invalid = await rejection(admin.query(`SELECT 'x'::uuid`));
    // A slow query is not a lost server: retrying it elsewhere would only double the load.
    const cancelled = await rejection(admin.query(`SET statement_timeout = 50; SELECT pg_sleep(1)`));
    await admin.query('RESET statement_timeout');
    for (const error of [syntax, raised, invalid, cancelled]) {
      assert.ok(error instanceof DatabaseError);
      assert.equal(connectivityFault(asQueryFailed(error)), undefined, error.code);
    }
    assert.equal(connectivityFault(new Error('something else')), undefined);
    assert.equal(connectivityFault(new TypeError("Cannot read properties of undefined (reading 'id')")), undefined);
    assert.equal(connectivityFault('ECONNREFUSED'), undefined);
    assert.equal(connectivityFault(undefined), undefined);
    assert.equal(connectivityFault(Object.assign(new Error('x'), { code: 'toString' })), undefined);
  });
});
