import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { RedisServer, startRedisServer } from './support/redis-server';
import { http } from '../support/http';
import { metricValue } from '../support/metrics';

/** Only flushed by the fixture's own client; the app itself uses the test's private redis-server. */
const REDIS_DATABASE = 11;
const HITS = 'cache_hits_total{resource="widgets"}';
const CONCURRENCY = 4;
/** A request that takes longer than this counts as not answered: a hung Redis must cost milliseconds. */
const ANSWER_WITHIN_MS = 1_000;
/** The widgets' list TTL in fixture.schema.apso.json. */
const LIST_TTL_MS = 10_000;
/** The circuit's default cool-down: after it, a probe finds the thawed Redis. */
const COOL_DOWN_MS = 5_000;

interface Phase {
  readonly answered: number;
  readonly slow: number;
  readonly serverErrors: number;
  readonly slowest: number;
}

describe('a hung Redis (SIGSTOP) costs milliseconds, not the service', { timeout: 60_000 }, () => {
  let redis: RedisServer;
  let fixture: FixtureApp;

  before(async () => {
    redis = await startRedisServer();
    fixture = await startFixtureApp(REDIS_DATABASE, { REDIS_URL: redis.url, CACHE_TIMEOUT_MS: '100' });
  });

  after(async () => {
    await redis?.stop();
    await fixture?.close();
  });

  /** Cached GETs by id and of the list, and creates (each one moves the list version), from a few workers. */
  async function load(durationMs: number, ids: string[]): Promise<Phase> {
    const end = Date.now() + durationMs;
    const phase = { answered: 0, slow: 0, serverErrors: 0, slowest: 0 };
    let sequence = 0;
    const worker = async () => {
      while (Date.now() < end) {
        const n = sequence++;
        const request =
          n % 10 === 0
            ? { method: 'POST', path: '/widgets', body: JSON.stringify({ name: `load-${process.pid}-${n}` }) }
            : { method: 'GET', path: n % 3 === 0 ? '/widgets?limit=5' : `/widgets/${ids[n % ids.length]}` };
        const started = Date.now();
        try {
          const response = await fetch(new URL(request.path, fixture.baseUrl), {
            method: request.method,
            headers: request.body ? { 'content-type': 'application/json' } : {},
            body: request.body,
            signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
          });
          await response.arrayBuffer();
          if (response.status >= 500) phase.serverErrors++;
          else phase.answered++;
        } catch {
          phase.slow++;
        }
        phase.slowest = Math.max(phase.slowest, Date.now() - started);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return phase;
  }

  test('requests keep being answered while Redis is frozen, and the cache is used again once it thaws', async (t) => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await http(fixture.baseUrl, 'POST', '/widgets', { name: `frozen-${process.pid}-${i}` });
      assert.equal(created.status, 201, created.text);
      ids.push(created.body.id);
    }
    const warm = await load(2_000, ids);
    assert.equal(warm.slow + warm.serverErrors, 0, `before the freeze: ${JSON.stringify(warm)}`);

    redis.freeze();
    let frozen: Phase;
    try {
      frozen = await load(5_000, ids);
    } finally {
      redis.thaw();
    }
    t.diagnostic(`before: ${JSON.stringify(warm)} in 2 s; frozen: ${JSON.stringify(frozen)} in 5 s`);
    assert.equal(frozen.serverErrors, 0, `no 5xx while frozen: ${JSON.stringify(frozen)}`);
    assert.equal(frozen.slow, 0, `every request answered within ${ANSWER_WITHIN_MS} ms: ${JSON.stringify(frozen)}`);
    // Per second, served from the database instead of the cache: slower, but a good fraction.
    const rateBefore = warm.answered / 2;
    const rateFrozen = frozen.answered / 5;
    assert.ok(rateFrozen > rateBefore * 0.25, `${rateFrozen}/s while frozen vs ${rateBefore}/s before`);

    // Once the circuit's cool-down is over, a probe finds Redis again and cached reads hit.
    const hitsBefore = await metricValue(fixture.baseUrl, HITS);
    const thawed = await load(8_000, ids);
    assert.equal(thawed.slow + thawed.serverErrors, 0, `after the thaw: ${JSON.stringify(thawed)}`);
    assert.ok((await metricValue(fixture.baseUrl, HITS)) > hitsBefore, 'cached reads hit again after the thaw');
  });

  test('a list cached before a write missed by a frozen Redis is never served after its TTL', async () => {
    const path = '/widgets?limit=5&sort=-createdAt';
    const listed = await http(fixture.baseUrl, 'GET', path);
    assert.equal(listed.status, 200);
    const cachedAt = Date.now();
    // Let the answer land in Redis (it is stored after it is sent) and check that it is served.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await http(fixture.baseUrl, 'GET', path)).headers.get('x-cache'), 'HIT');

    redis.freeze();
    let created;
    try {
      created = await http(fixture.baseUrl, 'POST', '/widgets', { name: `missed-${process.pid}` });
    } finally {
      redis.thaw();
    }
    assert.equal(created.status, 201, 'the write succeeds although its invalidation could not reach Redis');

    // Stale until the TTL at worst (docs/runtime.md); fresh from then on, however the circuit stands.
    const includesNew = async () =>
      (await http(fixture.baseUrl, 'GET', path)).body.data.some((w: { id: string }) => w.id === created.body.id);
    while (!(await includesNew())) {
      assert.ok(Date.now() - cachedAt < LIST_TTL_MS + 1_000, 'the stale list outlived its TTL');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(Date.now() - cachedAt < Math.max(LIST_TTL_MS, COOL_DOWN_MS) + 1_000);
  });
});

describe('shutting down while Redis hangs', { timeout: 30_000 }, () => {
  let redis: RedisServer;
  let fixture: FixtureApp | undefined;
  let appClosed = false;

  before(async () => {
    redis = await startRedisServer();
  });

  after(async () => {
    await redis?.stop();
    if (!appClosed) await fixture?.close();
    else {
      // The test closed the app itself; the rest of what the fixture holds is released here.
      await fixture?.redis.quit();
      await fixture?.database.drop();
    }
  });

  test('closing the app does not wait forever for replies a frozen Redis never sends', async () => {
    fixture = await startFixtureApp(REDIS_DATABASE, { REDIS_URL: redis.url, CACHE_TIMEOUT_MS: '100' });
    const app = fixture.app;
    redis.freeze();
    // Its MGET is written and waits for a reply; the request itself is answered from the database.
    assert.equal((await http(fixture.baseUrl, 'GET', '/widgets?limit=1')).status, 200);
    const started = Date.now();
    const closed = app.close().then(() => (appClosed = true) && 'closed');
    const outcome = await Promise.race([
      closed,
      new Promise((resolve) => setTimeout(() => resolve('still closing'), 5_000).unref()),
    ]);
    assert.equal(outcome, 'closed', 'app.close() returned');
    assert.ok(Date.now() - started < 3_000, `closed in ${Date.now() - started} ms`);
  });
});
