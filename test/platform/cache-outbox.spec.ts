import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/platform/config/config';
import { CacheFreshness } from '../../src/platform/cache/cache-freshness';
import type { EntityCache, VersionKey } from '../../src/platform/cache/entity-cache';
import { InvalidationOutbox } from '../../src/platform/cache/invalidation-outbox';
import { InvalidationRelay, mergeVersions, relayBatch } from '../../src/platform/cache/invalidation-relay';
import { ApsoSchema0000000000005 } from '../../src/migrations/0005-apso-schema';
import { createDatabase, type TestDatabase } from '../support/services';

/**
 * The outbox of cache invalidations on a real PostgreSQL: what a write records, what one relay
 * transaction takes (and leaves when Redis refuses), and two relays at once.
 */
let database: TestDatabase;
let primary: DataSource;

const ROW: VersionKey[] = [{ key: 'k:list' }, { key: 'k:row:1', ttlMs: 90_000 }];

async function insert(versions: VersionKey[], ageMs: number): Promise<void> {
  await primary.query(
    `INSERT INTO apso_cache_invalidations (versions, created_at) VALUES ($1::jsonb, now() - make_interval(secs => $2))`,
    [JSON.stringify(versions), ageMs / 1000],
  );
}

async function pending(): Promise<number> {
  const [{ n }] = await primary.query('SELECT count(*)::int AS n FROM apso_cache_invalidations');
  return n;
}

before(async () => {
  database = await createDatabase('apso_outbox_unit');
  primary = new DataSource({ type: 'postgres', url: database.url, entities: [] });
  await primary.initialize();
  await new ApsoSchema0000000000005().up(primary.createQueryRunner());
});

after(async () => {
  await primary?.destroy();
  await database?.drop();
});

beforeEach(() => primary.query('DELETE FROM apso_cache_invalidations'));

describe('recording', () => {
  test('a write records its versions in its transaction: none when it rolls back', async () => {
    const outbox = new InvalidationOutbox(primary);
    await assert.rejects(
      primary.transaction(async (em) => {
        assert.ok(await outbox.record(em, ROW));
        throw new Error('the write failed');
      }),
      /the write failed/,
    );
    assert.equal(await pending(), 0);
    const id = await primary.transaction((em) => outbox.record(em, ROW));
    assert.match(String(id), /^\d+$/);
    assert.deepEqual(await primary.query('SELECT versions FROM apso_cache_invalidations'), [{ versions: ROW }]);
    // A write that moves nothing records nothing.
    assert.equal(await primary.transaction((em) => outbox.record(em, [])), undefined);
  });
});

describe('one relay transaction', () => {
  test('takes the rows older than the age, merged, and deletes them once moved', async () => {
    await insert(ROW, 5_000);
    await insert([{ key: 'k:list' }, { key: 'k:row:2', ttlMs: 90_000 }], 3_000);
    await insert([{ key: 'k:young' }], 0);
    const moved: VersionKey[][] = [];
    const { applied } = await relayBatch(primary, 1_000, 500, async (versions) => void moved.push(versions));
    assert.equal(applied, 2);
    assert.deepEqual(moved, [
      [{ key: 'k:list' }, { key: 'k:row:1', ttlMs: 90_000 }, { key: 'k:row:2', ttlMs: 90_000 }],
    ]);
    assert.deepEqual(await primary.query('SELECT versions FROM apso_cache_invalidations'), [
      { versions: [{ key: 'k:young' }] },
    ]);
  });

  test('leaves the rows when Redis refuses the move', async () => {
    await insert(ROW, 5_000);
    await assert.rejects(
      relayBatch(primary, 0, 500, () => Promise.reject(new Error('Redis down'))),
      /Redis down/,
    );
    assert.equal(await pending(), 1);
  });

  test('takes at most the batch size, oldest first', async () => {
    for (let index = 0; index < 5; index++) await insert([{ key: `k:${index}` }], 10_000 - index);
    const moved: VersionKey[][] = [];
    await relayBatch(primary, 0, 2, async (versions) => void moved.push(versions));
    assert.deepEqual(moved, [[{ key: 'k:0' }, { key: 'k:1' }]]);
    assert.equal(await pending(), 3);
  });

  test('two relays at once: the second skips the rows the first holds instead of waiting, and nothing is applied twice', async () => {
    await insert(ROW, 5_000);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const moving = new Promise<void>((resolve) => (entered = resolve));
    const first = relayBatch(primary, 0, 500, async () => {
      entered();
      await held;
    });
    await moving;
    const second = await relayBatch(primary, 0, 500, () => assert.fail('the row is the first relay’s'));
    assert.equal(second.applied, 0, 'skipped, not waited for');
    release();
    assert.equal((await first).applied, 1);
    assert.equal(await pending(), 0);
  });

  test('mergeVersions: each key once; no TTL wins, otherwise the longest', () => {
    assert.deepEqual(
      mergeVersions([
        [{ key: 'a', ttlMs: 10 }, { key: 'b', ttlMs: 10 }, { key: 'c' }],
        [{ key: 'a', ttlMs: 20 }, { key: 'b' }, { key: 'c', ttlMs: 5 }],
      ]),
      [{ key: 'a', ttlMs: 20 }, { key: 'b' }, { key: 'c' }],
    );
  });
});

describe('the relay of a suspect instance', () => {
  test('drains every row, however young, until Redis takes them, and only then clears the instance', async () => {
    const freshness = new CacheFreshness({ set: () => undefined } as never);
    let redisUp = false;
    const moved: VersionKey[][] = [];
    const cache = {
      moveVersions: async (versions: VersionKey[]) => {
        if (!redisUp) throw new Error('Redis down');
        moved.push(versions);
      },
    } as unknown as EntityCache;
    const config = { cacheRelayIntervalMs: 60_000, cacheRelayAgeMs: 60_000 } as AppConfig;
    const relay = new InvalidationRelay(primary, cache, freshness, config, { inc: () => undefined } as never);
    relay.onModuleInit();
    try {
      await insert(ROW, 0);
      freshness.markSuspect();
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(freshness.suspect, true, 'still suspect while Redis refuses');
      assert.equal(await pending(), 1);
      redisUp = true;
      const deadline = Date.now() + 5_000;
      while (freshness.suspect && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(freshness.suspect, false);
      assert.deepEqual(moved, [ROW]);
      assert.equal(await pending(), 0);
    } finally {
      await relay.beforeApplicationShutdown();
    }
  });

  test('a failure during a drain keeps the instance suspect until a later drain', () => {
    const freshness = new CacheFreshness({ set: () => undefined } as never);
    freshness.markSuspect();
    const generation = freshness.generation;
    freshness.markSuspect();
    freshness.clear(generation);
    assert.equal(freshness.suspect, true);
    freshness.clear(freshness.generation);
    assert.equal(freshness.suspect, false);
  });
});
