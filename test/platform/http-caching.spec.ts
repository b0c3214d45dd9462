import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { RedisServer, startRedisServer } from './support/redis-server';
import { http } from '../support/http';
import { rawExchange } from '../support/raw-http';
import { eventually } from '../support/services';

/** Only flushed by the fixture's own client: the apps use the test's private redis-server. */
const REDIS_DATABASE = 2;
const CACHED_READ = 'private, no-cache';
const LISTED = 'https://app.example.com';

describe('Cache-Control and CORS', { timeout: 60_000 }, () => {
  let redis: RedisServer;
  let plain: FixtureApp;

  before(async () => {
    redis = await startRedisServer();
    plain = await startFixtureApp(REDIS_DATABASE, { REDIS_URL: redis.url });
  });

  after(async () => {
    await plain?.close();
    await redis?.stop();
  });

  const cacheControl = async (method: string, path: string, body?: unknown) => {
    const answer = await http(plain.baseUrl, method, path, body);
    return { status: answer.status, cacheControl: answer.headers.get('cache-control'), answer };
  };

  describe('Cache-Control', () => {
    test('a cached read, missed or hit, may be kept by the client only, and only after asking again', async () => {
      const created = await cacheControl('POST', '/widgets', { name: 'cache-control' });
      assert.deepEqual([created.status, created.cacheControl], [201, 'no-store'], 'a write');
      const path = `/widgets/${created.answer.body.id}`;
      const miss = await cacheControl('GET', path);
      assert.deepEqual(
        [miss.status, miss.answer.headers.get('x-cache'), miss.cacheControl],
        [200, 'MISS', CACHED_READ],
      );
      assert.ok(
        await eventually(async () => (await http(plain.baseUrl, 'GET', path)).headers.get('x-cache') === 'HIT'),
      );
      assert.equal((await cacheControl('GET', path)).cacheControl, CACHED_READ, 'a hit');
      assert.equal((await cacheControl('GET', '/widgets?limit=5')).cacheControl, CACHED_READ, 'a cached list');
      const patched = await cacheControl('PATCH', path, { note: 'changed' });
      assert.deepEqual([patched.status, patched.cacheControl], [200, 'no-store']);
      const deleted = await cacheControl('DELETE', path);
      assert.deepEqual([deleted.status, deleted.cacheControl], [204, 'no-store']);
    });

    test('uncached reads, errors on cached routes and everything else are no-store', async () => {
      for (const [path, status] of [
        ['/parts', 200], // the resource has caching off
        ['/widgets/3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b', 404],
        ['/widgets/not-a-uuid', 400],
        ['/widgets?limit=abc', 400],
        ['/widgets/%FF', 400], // answered by the router, before any hook
        ['/nowhere', 404],
        ['/health/live', 200],
        ['/metrics', 200],
      ] as const) {
        const answer = await cacheControl('GET', path);
        assert.deepEqual([answer.status, answer.cacheControl], [status, 'no-store'], path);
      }
      const refused = await cacheControl('POST', '/widgets', { name: 7 });
      assert.deepEqual([refused.status, refused.cacheControl], [400, 'no-store']);
    });

    test('the 417 Node answers before Fastify sees the request is no-store too', async () => {
      const exchange = await rawExchange(
        plain.baseUrl,
        [
          'POST /widgets HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n',
        ],
        1_000,
      );
      assert.match(exchange.received, /^HTTP\/1\.1 417/);
      assert.match(exchange.received, /\r\ncache-control: no-store\r\n/i);
    });
  });

  describe('CORS', () => {
    test('is off unless configured: no CORS headers, and a preflight is not answered as one', async () => {
      const corsHeaders = (answer: Awaited<ReturnType<typeof http>>) =>
        [...answer.headers.keys()].filter((name) => name.startsWith('access-control-'));
      const get = await http(plain.baseUrl, 'GET', '/widgets', undefined, { origin: LISTED });
      assert.equal(get.status, 200);
      assert.deepEqual(corsHeaders(get), []);
      const preflight = await http(plain.baseUrl, 'OPTIONS', '/widgets', undefined, {
        origin: LISTED,
        'access-control-request-method': 'POST',
      });
      assert.equal(preflight.status, 405, 'an OPTIONS like any other');
      assert.equal(preflight.headers.get('allow'), 'GET, HEAD, POST');
      assert.deepEqual(corsHeaders(preflight), []);
    });
  });
});
