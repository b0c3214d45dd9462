import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'js-ini';
import { deploymentOf } from '../../../model/deployment';
import { ini } from '../../artifact';
import { serializeContent } from '../../serialize';
import { connectionString, PGBOUNCER_AUTH_FILE, pgbouncerIni } from './pgbouncer-ini';

const OPTIONS = {
  replicas: { min: 3, max: 7 },
  database: {
    name: 'orders',
    poolSize: 6,
    replicaPoolSize: 4,
    maxConnections: 200,
    reservedConnections: 20,
    statementTimeoutMs: 2500,
  },
  pgbouncer: { replicas: 3, maxClientConnections: 400, defaultPoolSize: 40, minPoolSize: 8, reservePoolSize: 10 },
};

/** The file as PgBouncer reads it: written by the serializer, read back by an INI parser. */
function written(options: object) {
  const { sections, comments } = pgbouncerIni(deploymentOf(options, 'shop'));
  const text = serializeContent(ini(sections, comments));
  return { text, parsed: parse(text, { autoTyping: false }) as Record<string, Record<string, string>> };
}

describe('pgbouncer.ini', () => {
  test('pool settings follow the deployment options', () => {
    const { pgbouncer } = written(OPTIONS).parsed;
    assert.equal(pgbouncer.pool_mode, 'transaction');
    assert.equal(pgbouncer.max_client_conn, '400');
    assert.equal(pgbouncer.default_pool_size, '40');
    assert.equal(pgbouncer.min_pool_size, '8');
    assert.equal(pgbouncer.reserve_pool_size, '10');
    assert.equal(pgbouncer.max_db_connections, '50', 'default + reserve per database');
    assert.equal(pgbouncer.listen_port, '6432');
    assert.equal(pgbouncer.auth_file, PGBOUNCER_AUTH_FILE);
    assert.equal(pgbouncer.log_connections, '0');
    assert.equal(pgbouncer.server_reset_query, undefined, 'none is run in transaction mode; the default stands');
  });

  test('each database entry names its server, the database and the statement timeout', () => {
    const { databases } = written(OPTIONS).parsed;
    assert.deepEqual(
      { ...databases },
      {
        app: "host=postgres-primary port=5432 dbname=orders connect_query='SET statement_timeout = 2500'",
        app_replica: "host=postgres-replica port=5432 dbname=orders connect_query='SET statement_timeout = 2500'",
      },
    );
  });

  test('the comments carry the pool arithmetic with the actual numbers', () => {
    const { text } = written(OPTIONS);
    assert.match(text, /^; Clients: 7 API pods at most × \(6 primary \+ 4 replica\) = 70 ≤ max_client_conn 400\.$/m);
    assert.match(text, /^; Servers: 3 PgBouncer pods × \(40 default \+ 10 reserve\) = 150 per PostgreSQL server$/m);
    assert.match(text, /^; ≤ max_connections 200 − 20 reserved/m);
    assert.match(text, /^; statement_timeout 2500 ms/m);
  });

  test('the defaults give the seed values', () => {
    const { pgbouncer, databases } = written({}).parsed;
    assert.deepEqual(
      [pgbouncer.max_client_conn, pgbouncer.default_pool_size, pgbouncer.min_pool_size, pgbouncer.reserve_pool_size],
      ['1000', '20', '5', '5'],
    );
    assert.match(databases.app, /dbname=app connect_query='SET statement_timeout = 15000'$/);
  });
});

describe('connectionString', () => {
  test('quotes a value with spaces in single quotes, doubling a quote inside', () => {
    assert.equal(
      connectionString({ host: 'db', connect_query: "SELECT set_config('statement_timeout', '5', false)" }),
      "host=db connect_query='SELECT set_config(''statement_timeout'', ''5'', false)'",
    );
  });
});
