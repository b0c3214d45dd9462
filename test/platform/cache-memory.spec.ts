import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@keyv/redis';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { RedisServer, startRedisServer } from './support/redis-server';
import { exampleAuthEnv } from '../support/example-auth';
import { http } from '../support/http';
import { metricValue } from '../support/metrics';
import { REPO_ROOT } from '../support/repository';
import { createDatabase, startApp } from '../support/services';

/** Only flushed by the fixture's own client; the app itself uses the test's private redis-server. */
const REDIS_DATABASE = 12;
const MAX_MEMORY_BYTES = 3 * 1024 * 1024;
const EVICTION_SLACK_BYTES = 64 * 1024;
const MAX_ENTRY_BYTES = 8_192;
const WIDGETS = 40;
/** Distinct list queries, as many anonymous clients would send: 20 page sizes x 100 offsets. */
const LIST_QUERIES = Array.from(
  { length: 2_000 },
  (_, n) => `/widgets?limit=${1 + (n % 20)}&offset=${Math.floor(n / 20)}`,
);

async function redisMemory(url: string): Promise<{ used: number; evicted: number }> {
  const client = createClient({ url });
  await client.connect();
  try {
    const info = `${await client.info('memory')}\n${await client.info('stats')}`;
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)![1]);
    return { used: field('used_memory'), evicted: field('evicted_keys') };
  } finally {
    await client.quit();
  }
}

describe('the cache cannot grow Redis past its bound', { timeout: 120_000 }, () => {
  let redis: RedisServer;
  let fixture: FixtureApp;
  const call = (method: string, path: string, body?: unknown) => http(fixture.baseUrl, method, path, body);

  before(async () => {
    redis = await startRedisServer(['--maxmemory', String(MAX_MEMORY_BYTES), '--maxmemory-policy', 'volatile-lru']);
    fixture = await startFixtureApp(REDIS_DATABASE, {
      REDIS_URL: redis.url,
      CACHE_MAX_ENTRY_BYTES: String(MAX_ENTRY_BYTES),
      // Memory is under test, not latency: on a busy machine the default 150 ms can open the cache circuit.
      CACHE_TIMEOUT_MS: '2000',
    });
    for (let n = 0; n < WIDGETS; n++) {
      const created = await call('POST', '/widgets', { name: `widget-${n}`, note: 'x'.repeat(150) });
      assert.equal(created.status, 201, created.text);
    }
  });

  after(async () => {
    await redis?.stop();
    await fixture?.close();
  });

  test('2,000 distinct list queries stay within maxmemory, all answered, and reads stay fresh', async () => {
    const statuses = new Map<number, number>();
    for (let start = 0; start < LIST_QUERIES.length; start += 8) {
      const answers = await Promise.all(LIST_QUERIES.slice(start, start + 8).map((path) => call('GET', path)));
      for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    assert.deepEqual([...statuses], [[200, LIST_QUERIES.length]]);
    const { used, evicted } = await redisMemory(redis.url);
    assert.ok(evicted > 0, 'the queries would have needed more than maxmemory: Redis evicted entries');
    // Redis evicts before running each write, so used_memory can pass maxmemory by what one command (or
    // the INFO reply itself) allocates: seen 112 bytes over. Growth without bound would be megabytes.
    const bound = MAX_MEMORY_BYTES + EVICTION_SLACK_BYTES;
    assert.ok(used <= bound, `Redis holds ${used} bytes, at most ${bound}`);

    const [first] = (await call('GET', '/widgets?limit=1&offset=0')).body.data;
    assert.equal((await call('PATCH', `/widgets/${first.id}`, { name: 'after-evictions' })).status, 200);
    assert.equal((await call('GET', '/widgets?limit=1&offset=0')).body.data[0].name, 'after-evictions');
    assert.equal((await call('GET', `/widgets/${first.id}`)).body.name, 'after-evictions');
  });

  test('an answer larger than CACHE_MAX_ENTRY_BYTES is served but not stored', async () => {
    const tooLarge = () => metricValue(fixture.baseUrl, 'cache_entries_too_large_total{resource="widgets"}');
    const before = await tooLarge();
    const page = await call('GET', '/widgets?limit=100');
    assert.equal(page.status, 200);
    assert.ok(page.text.length > MAX_ENTRY_BYTES);
    assert.equal((await call('GET', '/widgets?limit=100')).headers.get('x-cache'), 'MISS');
    assert.equal(await tooLarge(), before + 2);
  });
});

test('a Redis without maxmemory is named in the log at startup, with what to set', async () => {
  const redis = await startRedisServer();
  const database = await createDatabase('apso_redis_policy');
  try {
    const app = await startApp(join(REPO_ROOT, 'dist', 'main.js'), {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      ...exampleAuthEnv(),
    });
    await app.stop();
    assert.match(app.output(), /Redis has no maxmemory.*maxmemory-policy volatile-lru/);
  } finally {
    await redis.stop();
    await database.drop();
  }
});
