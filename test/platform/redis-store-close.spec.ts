import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import KeyvRedis, { createClient } from '@keyv/redis';
import { createRedisStore } from '../../src/platform/cache/redis-store';
import { eventually } from '../support/services';
import { RedisServer, startRedisServer } from './support/redis-server';

/** The store gives up waiting for pending replies after 1 s (CLOSE_TIMEOUT_MS); some slack on a busy machine. */
const DISCONNECT_WITHIN_MS = 3_000;

/**
 * A socket left open after the app closed keeps a stopping process alive (seen once: a test run hung
 * after all its tests had passed). Counted by the server, which sees every connection of the store.
 */
describe('closing the Redis store leaves no connection behind', { timeout: 30_000 }, () => {
  let redis: RedisServer;
  let admin: ReturnType<typeof createClient>;

  /** Connections to the server other than this test's own. */
  async function storeConnections(): Promise<number> {
    const own = await admin.clientId();
    const lines = (await admin.clientList()).filter((client) => String(client.id) !== String(own));
    return lines.length;
  }

  const settlesAt = (expected: number) => eventually(async () => (await storeConnections()) === expected, 2_000);

  /** TCP sockets this process holds open, counted here because a frozen server cannot count them. */
  const openSockets = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;
  const socketsSettleAt = (expected: number) => eventually(async () => openSockets() === expected, 2_000);

  before(async () => {
    redis = await startRedisServer();
    admin = createClient({ url: redis.url });
    await admin.connect();
  });

  after(async () => {
    await admin?.close();
    await redis?.stop();
  });

  test('when Redis hangs with a command pending, disconnect gives up on it and closes the connection', async () => {
    assert.ok(await settlesAt(0));
    const socketsBefore = openSockets();
    const store = await createRedisStore(redis.url);
    await store.set('before-freeze', 1);
    assert.ok(await settlesAt(1));
    assert.ok(await socketsSettleAt(socketsBefore + 1));
    redis.freeze();
    try {
      // Sent on the client itself: it is queued before disconnect starts, as a request's would be.
      const client = await (store.store as KeyvRedis<unknown>).getClient();
      const pending = client.get('while-frozen').catch(() => undefined);
      const started = Date.now();
      await store.disconnect();
      assert.ok(Date.now() - started < DISCONNECT_WITHIN_MS, `disconnect took ${Date.now() - started} ms`);
      await pending;
      // Still hung: its reply would close the socket of a client left closing, which hides the leak.
      assert.ok(await socketsSettleAt(socketsBefore), 'the socket to the hung Redis is still open');
    } finally {
      redis.thaw();
    }
    assert.ok(await settlesAt(0));
  });

  test('a cache call that arrives after disconnect fails open instead of connecting again', async () => {
    const store = await createRedisStore(redis.url);
    await store.disconnect();
    assert.ok(await settlesAt(0));
    // A request still in flight when the app closed reads and writes the cache late.
    assert.equal(await store.get('late').catch(() => undefined), undefined);
    await store.set('late', 1).catch(() => undefined);
    assert.equal(await settlesAt(1), false, 'a late cache call opened a new connection to Redis');
  });
});
