import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { http } from '../support/http';
import { metricValue } from '../support/metrics';
import { eventually } from '../support/services';

const REDIS_DATABASE = 6;
/** Shared by the two services of the namespace test. */
const SHARED_REDIS_DATABASE = 10;
const WIDGETS = { name: 'widgets' };
const HITS = 'cache_hits_total{resource="widgets"}';
const MISSES = 'cache_misses_total{resource="widgets"}';

describe('read-through cache in Redis', () => {
  let fixture: FixtureApp;
  const call = <T = any>(method: string, path: string, body?: unknown) => http<T>(fixture.baseUrl, method, path, body);

  before(async () => {
    fixture = await startFixtureApp(REDIS_DATABASE);
  });

  after(async () => {
    await fixture?.close();
  });

  async function createWidget(name: string) {
    const created = await call('POST', '/widgets', { name });
    assert.equal(created.status, 201, created.text);
    return created.body;
  }

  /** An answer is stored after it was sent (the client never waits for Redis), so look until it lands. */
  async function storedEntry(key: string): Promise<string | null> {
    let stored: string | null = null;
    await eventually(async () => (stored = await fixture.redis.get(key)) !== null);
    return stored;
  }

  // First, while nothing else is on its way into Redis: the answers of earlier tests are stored after they are sent.
  test('misses for absent ids and rejected requests leave no keys in Redis', async () => {
    const before = await fixture.redis.keys('*');
    for (let i = 0; i < 50; i++) {
      assert.equal((await call('GET', `/widgets/${randomUUID()}`)).status, 404);
    }
    for (const path of ['/widgets/not-a-uuid', '/widgets?limit=abc', '/widgets?sort=nope', '/labels?offset=-1']) {
      assert.equal((await call('GET', path)).status, 400, path);
    }
    const added = (await fixture.redis.keys('*')).filter((key) => !before.includes(key));
    assert.deepEqual(added, [], 'neither entries nor versions were written');
  });

  test('a second GET by id is served from Redis', async () => {
    const widget = await createWidget('cached-item');
    const [hits, misses] = [await metricValue(fixture.baseUrl, HITS), await metricValue(fixture.baseUrl, MISSES)];

    const first = await call('GET', `/widgets/${widget.id}`);
    assert.equal(first.headers.get('x-cache'), 'MISS');
    const key = fixture.cacheKeys.item(WIDGETS, widget.id);
    const stored = await storedEntry(key);
    assert.ok(stored, `${key} is in Redis`);
    // Keyv stores values as {"value": ...}; apso's entry is { version, body }.
    assert.equal(JSON.parse(stored).value.body.name, 'cached-item');
    const ttl = await fixture.redis.pTTL(key);
    assert.ok(ttl > 50_000 && ttl <= 60_000, `item TTL is the resource's 60 s (got ${ttl} ms)`);

    const second = await call('GET', `/widgets/${widget.id}`);
    assert.equal(second.headers.get('x-cache'), 'HIT');
    assert.deepEqual(second.body, first.body);
    assert.equal(await metricValue(fixture.baseUrl, HITS), hits + 1);
    assert.equal(await metricValue(fixture.baseUrl, MISSES), misses + 1);
  });

  test('the cached value is what Redis holds, not a copy in process memory', async () => {
    const widget = await createWidget('planted');
    await call('GET', `/widgets/${widget.id}`);
    const key = fixture.cacheKeys.item(WIDGETS, widget.id);
    const entry = JSON.parse((await storedEntry(key)) as string);
    entry.value.body.note = 'written straight into Redis';
    await fixture.redis.set(key, JSON.stringify(entry), { PX: 60_000 });
    assert.equal((await call('GET', `/widgets/${widget.id}`)).body.note, 'written straight into Redis');
  });

  test('lists are cached per normalized query, under the list version', async () => {
    await createWidget('cached-list');
    const first = await call('GET', '/widgets?limit=5&offset=0');
    assert.equal(first.headers.get('x-cache'), 'MISS');
    const stored = await fixture.redis.get(fixture.cacheKeys.listVersion(WIDGETS));
    assert.ok(stored, 'the list version is in Redis');
    const version = JSON.parse(stored).value; // Keyv stores values as {"value": ...}
    const key = fixture.cacheKeys.list(WIDGETS, 'limit=5&offset=0');
    const entry = await storedEntry(key);
    assert.ok(entry, `${key} is in Redis`);
    assert.equal(JSON.parse(entry).value.version, version, 'the page was stored under the current list version');
    const ttl = await fixture.redis.pTTL(key);
    assert.ok(ttl > 0 && ttl <= 10_000, `list TTL is the resource's 10 s (got ${ttl} ms)`);

    const reordered = await call('GET', '/widgets?offset=0&limit=5');
    assert.equal(reordered.headers.get('x-cache'), 'HIT', 'parameter order does not matter');
    assert.deepEqual(reordered.body, first.body);
  });

  test('a write invalidates both the item and the lists', async () => {
    const widget = await createWidget('before-rename');
    await call('GET', `/widgets/${widget.id}`);
    await call('GET', '/widgets?limit=100');
    assert.equal((await call('GET', `/widgets/${widget.id}`)).headers.get('x-cache'), 'HIT');
    assert.equal((await call('GET', '/widgets?limit=100')).headers.get('x-cache'), 'HIT');
    const versionBefore = await fixture.redis.get(fixture.cacheKeys.listVersion(WIDGETS));
    const itemVersionBefore = await fixture.redis.get(fixture.cacheKeys.itemVersion(WIDGETS, widget.id));

    const renamed = await call('PATCH', `/widgets/${widget.id}`, { name: 'after-rename' });
    assert.equal(renamed.status, 200);
    assert.notEqual(
      await fixture.redis.get(fixture.cacheKeys.itemVersion(WIDGETS, widget.id)),
      itemVersionBefore,
      'the row version moved',
    );
    assert.notEqual(
      await fixture.redis.get(fixture.cacheKeys.listVersion(WIDGETS)),
      versionBefore,
      'the list version moved',
    );

    const item = await call('GET', `/widgets/${widget.id}`);
    assert.equal(item.headers.get('x-cache'), 'MISS');
    assert.equal(item.body.name, 'after-rename');
    const list = await call('GET', '/widgets?limit=100');
    assert.equal(list.headers.get('x-cache'), 'MISS');
    const names = list.body.data.map((w: { name: string }) => w.name);
    assert.ok(names.includes('after-rename') && !names.includes('before-rename'));

    assert.equal((await call('DELETE', `/widgets/${widget.id}`)).status, 204);
    assert.equal((await call('GET', `/widgets/${widget.id}`)).status, 404, 'a deleted row is not served from cache');
    const afterDelete = await call('GET', '/widgets?limit=100');
    assert.ok(!afterDelete.body.data.some((w: { id: string }) => w.id === widget.id));
  });

  test('creating a row shows up in the next list', async () => {
    await call('GET', '/widgets?limit=100');
    assert.equal((await call('GET', '/widgets?limit=100')).headers.get('x-cache'), 'HIT');
    const widget = await createWidget('newcomer');
    const list = await call('GET', '/widgets?limit=100');
    assert.ok(list.body.data.some((w: { id: string }) => w.id === widget.id));
  });

  test('an item GET with a query has an entry of its own; a refused query and a resource without cache settings store nothing', async () => {
    const widget = await createWidget('query-string');
    const withQuery = await call('GET', `/widgets/${widget.id}?fresh=1`);
    assert.equal(withQuery.status, 400, 'an item GET takes fields and include only');
    const sparse = await call('GET', `/widgets/${widget.id}?fields=name`);
    assert.deepEqual(sparse.body, { id: widget.id, name: 'query-string' });
    await storedEntry(fixture.cacheKeys.item(WIDGETS, widget.id, 'fields=name'));
    assert.equal(await fixture.redis.exists(fixture.cacheKeys.item(WIDGETS, widget.id)), 0);
    assert.equal(
      await fixture.redis.exists(fixture.cacheKeys.item(WIDGETS, widget.id, 'fresh=1')),
      0,
      'a 400 is not stored',
    );

    const part = await call('POST', '/parts', { name: 'uncached', widgetId: widget.id });
    await call('GET', `/parts/${part.body.id}`);
    await call('GET', '/parts');
    assert.equal((await call('GET', `/parts/${part.body.id}`)).headers.get('x-cache'), null);
    assert.deepEqual(await fixture.redis.keys('*{parts*'), []);
  });

  /** The item entries in Redis for one row, under whatever spelling of its id they were stored. */
  async function itemEntries(id: string): Promise<string[]> {
    const keys = await fixture.redis.keys('*:item:*');
    return keys.filter((key) => key.toLowerCase().includes(id.toLowerCase()));
  }

  test('an uppercase uuid is the same entry as its lowercase form, and a write through either refreshes both', async () => {
    const widget = await createWidget('mixed-case');
    const lower = `/widgets/${widget.id}`;
    const upper = `/widgets/${widget.id.toUpperCase()}`;

    assert.equal((await call('GET', upper)).status, 200);
    assert.ok(await eventually(async () => (await itemEntries(widget.id)).length > 0), 'the answer is stored');
    assert.equal((await call('GET', lower)).headers.get('x-cache'), 'HIT', 'one entry for both spellings');

    assert.equal((await call('PATCH', lower, { name: 'renamed-through-lower' })).status, 200);
    assert.equal((await call('GET', upper)).body.name, 'renamed-through-lower');
    assert.equal((await call('GET', lower)).body.name, 'renamed-through-lower');

    assert.ok(await eventually(async () => (await call('GET', lower)).headers.get('x-cache') === 'HIT'));
    assert.equal((await call('PATCH', upper, { name: 'renamed-through-upper' })).status, 200);
    assert.equal((await call('GET', lower)).body.name, 'renamed-through-upper');
    assert.equal((await call('GET', upper)).body.name, 'renamed-through-upper');
    assert.equal((await itemEntries(widget.id)).length, 1);
  });
});

describe('two services on two databases sharing one Redis database', () => {
  let first: FixtureApp;
  let second: FixtureApp;

  before(async () => {
    // Both empty the shared Redis database when they start, so both start before either is called.
    first = await startFixtureApp(SHARED_REDIS_DATABASE);
    second = await startFixtureApp(SHARED_REDIS_DATABASE);
  });

  after(async () => {
    await first?.close();
    await second?.close();
  });

  async function cachedOn(app: FixtureApp, path: string): Promise<void> {
    assert.equal((await http(app.baseUrl, 'GET', path)).status, 200);
    const hit = await eventually(async () => (await http(app.baseUrl, 'GET', path)).headers.get('x-cache') === 'HIT');
    assert.ok(hit, `${path} is cached by the first service`);
  }

  test('the second is never served the rows the first cached', async () => {
    const created = await http(first.baseUrl, 'POST', '/widgets', { name: 'only-in-the-first' });
    assert.equal(created.status, 201, created.text);
    const path = `/widgets/${created.body.id}`;
    await cachedOn(first, path);
    await cachedOn(first, '/widgets?limit=100');

    assert.equal((await http(second.baseUrl, 'GET', path)).status, 404, 'the row is not in the second database');
    const list = await http(second.baseUrl, 'GET', '/widgets?limit=100');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data, [], 'the second database has no widgets');

    const prefixes = [first.cacheKeys.prefix, second.cacheKeys.prefix];
    assert.notEqual(prefixes[0], prefixes[1], 'each database has a namespace of its own');
    const keys = await first.redis.keys('*');
    for (const prefix of prefixes)
      assert.ok(
        keys.some((key) => key.startsWith(prefix)),
        `${prefix} keys`,
      );
    assert.deepEqual(
      keys.filter((key) => !prefixes.some((prefix) => key.startsWith(prefix))),
      [],
      'every key is in one of the namespaces',
    );
  });
});
