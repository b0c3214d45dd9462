import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { REPO_ROOT } from '../support/repository';
import type { Http } from '../support/crud-smoke';
import { createTenant, exampleAuthEnv, tenantClient } from '../support/example-auth';
import {
  createDatabase,
  emptyRedis,
  freePort,
  type RunningApp,
  runScript,
  startApp,
  type TestDatabase,
  waitForBlockedQuery,
} from '../support/services';

/**
 * Reads go to DATABASE_REPLICA_URL and writes to DATABASE_URL. Two separate databases stand in for
 * a primary and a replica that has not caught up yet, so where each query went shows in the answers.
 */
let primary: TestDatabase;
let replica: TestDatabase;
let app: RunningApp;
let http: Http;

before(async () => {
  primary = await createDatabase('apso_primary');
  replica = await createDatabase('apso_replica');
  for (const database of [primary, replica]) {
    await runScript(join(REPO_ROOT, 'dist', 'migrate.js'), {
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ...exampleAuthEnv(),
    });
  }
  app = await startApp(join(REPO_ROOT, 'dist', 'main.js'), {
    DATABASE_URL: primary.url,
    DATABASE_REPLICA_URL: replica.url,
    REDIS_URL: await emptyRedis(13),
    ...exampleAuthEnv(),
  });
  // A tenant whose token holds the operator role, which every organization route requires. It is
  // created on the primary and not copied: the replica's organizations table stays empty.
  http = tenantClient(app.baseUrl, await createTenant(app.baseUrl));
});

after(async () => {
  await app?.stop();
  await primary?.drop();
  await replica?.drop();
});

async function copyToReplica(table: string, id: string): Promise<void> {
  const source = new Client({ connectionString: primary.url });
  const target = new Client({ connectionString: replica.url });
  await Promise.all([source.connect(), target.connect()]);
  try {
    const { rows } = await source.query(`SELECT * FROM "${table}" WHERE id = $1`, [id]);
    const columns = Object.keys(rows[0]);
    await target.query(
      `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
      columns.map((column) => rows[0][column]),
    );
  } finally {
    await Promise.all([source.end(), target.end()]);
  }
}

async function onReplica<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: replica.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('read/write split', () => {
  test('a write lands on the primary; reads come from the replica', async () => {
    const created = await http('POST', '/organizations', { name: 'Split', slug: 'split' });
    assert.equal(created.status, 201, 'the write went to the primary, and its answer was read there');
    const id = created.body.id as string;

    assert.equal((await http('GET', `/organizations/${id}`)).status, 404, 'the replica has not seen the row yet');
    assert.deepEqual((await http('GET', '/organizations')).body.data, []);

    await copyToReplica('organizations', id);
    // Another query string than the cached empty page above, so this read reaches the replica.
    const listed = await http('GET', '/organizations?limit=50');
    assert.deepEqual(
      listed.body.data.map((row: { id: string }) => row.id),
      [id],
      'once replicated, the replica answers',
    );
  });

  test('a read that fetched the row before a write cannot cache it past the write', async () => {
    const created = await http('POST', '/organizations', { name: 'Before', slug: 'race' });
    const id = created.body.id as string;
    await copyToReplica('organizations', id);

    // 1. A GET misses and blocks on a lock while reading the replica.
    const locker = new Client({ connectionString: replica.url });
    await locker.connect();
    let slowRead;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE organizations IN ACCESS EXCLUSIVE MODE');
      slowRead = http('GET', `/organizations/${id}`);
      await waitForBlockedQuery(replica.url);
      // 2. Meanwhile a write commits on the primary and invalidates.
      assert.equal((await http('PATCH', `/organizations/${id}`, { name: 'After' })).status, 200);
      // 3. The slow read goes on, reads the old row and caches it.
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }
    assert.equal((await slowRead).body.name, 'Before');
    // 4. Once the replica has the write, nobody is served the entry cached in step 3.
    await onReplica((client) => client.query(`UPDATE organizations SET name = 'After' WHERE id = $1`, [id]));
    assert.equal((await http('GET', `/organizations/${id}`)).body.name, 'After');
  });
});

describe('a replica that is down at start', () => {
  let withoutReplica: RunningApp;

  before(async () => {
    const nothingListening = await freePort();
    withoutReplica = await startApp(join(REPO_ROOT, 'dist', 'main.js'), {
      DATABASE_URL: primary.url,
      DATABASE_REPLICA_URL: `postgres://root@127.0.0.1:${nothingListening}/apso_replica`,
      REDIS_URL: await emptyRedis(12),
      ...exampleAuthEnv(),
    });
  });

  after(async () => {
    await withoutReplica?.stop();
  });

  test('the process starts and answers reads from the primary', async () => {
    const call = tenantClient(withoutReplica.baseUrl, await createTenant(withoutReplica.baseUrl));
    const created = await call('POST', '/organizations', { name: 'Cold start', slug: 'cold-start' });
    assert.equal(created.status, 201);
    const read = await call('GET', `/organizations/${created.body.id as string}`);
    assert.equal(read.status, 200, 'read from the primary, which has the row');
    assert.equal(read.body.name, 'Cold start');
    assert.deepEqual((await call('GET', '/health/degraded')).body.degraded, ['replica']);
    assert.match(withoutReplica.output(), /Replica unreachable at start \(refused\)/);
  });
});
