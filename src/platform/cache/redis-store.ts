import { Logger } from '@nestjs/common';
import KeyvRedis, { createKeyv } from '@keyv/redis';
import type { Keyv } from 'keyv';

/**
 * Without a connect timeout and with node-redis's offline queue, every cache call waits forever while
 * Redis is down. With both bounded, the cache fails open: reads go to the database, a little slower.
 */
const CONNECT_TIMEOUT_MS = 500;
/**
 * A hung Redis answers nothing while commands keep being sent until the CacheCircuit opens; past this
 * many pending, node-redis rejects new ones at once instead of holding their memory.
 */
const COMMANDS_QUEUE_MAX_LENGTH = 1_000;
/**
 * How long shutdown waits for the commands still pending on a Redis connection. node-redis's close()
 * waits for their replies, and a Redis that died meanwhile never sends them: shutdown would hang.
 */
const CLOSE_TIMEOUT_MS = 1_000;

/** Redis errors repeat on every command while it is down; one log line per interval is enough. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The Keyv store behind Nest's cache manager; keys are written to Redis exactly as given. Connects
 * before the app starts serving (without the offline queue, commands sent while still connecting
 * would fail), but starts anyway when Redis is down: it reconnects on later commands.
 */
export async function createRedisStore(url: string): Promise<Keyv> {
  const store = createKeyv(
    { url, disableOfflineQueue: true, commandsQueueMaxLength: COMMANDS_QUEUE_MAX_LENGTH },
    { connectionTimeout: CONNECT_TIMEOUT_MS },
  );
  closeWithin(store.store as KeyvRedis<unknown>, CLOSE_TIMEOUT_MS);
  const logger = new Logger('RedisCache');
  let lastLogged = 0;
  store.on('error', (error: unknown) => {
    const now = Date.now();
    if (now - lastLogged < ERROR_LOG_INTERVAL_MS) return;
    lastLogged = now;
    logger.warn(`Redis unavailable, serving without cache: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    const client = await (store.store as KeyvRedis<unknown>).getClient();
    const warning = memoryPolicyWarning(await client.info('memory'));
    if (warning) logger.warn(warning);
  } catch {
    // Already reported through the error event above; a Redis that refuses INFO is not checked.
  }
  return store;
}

/**
 * Makes the store's disconnect (called as the app closes) wait at most `timeoutMs` for pending
 * commands, then drop them, and keeps a closed store closed.
 *
 * node-redis's close() waits for the replies of pending commands, which a hung Redis never sends; and
 * once close() has begun, destroy() throws without closing the socket, so the socket would outlive the
 * app. Waiting instead for a PING (Redis answers in order, so its reply comes after every pending one)
 * leaves the client open, and destroy() then closes it whether or not the reply came.
 *
 * KeyvRedis reconnects on any command sent to a closed client: a request still in flight when the app
 * closed would open a new connection that nothing closes. Once disconnected, the store refuses instead,
 * and the cache fails open as it does while Redis is down.
 */
function closeWithin(redisStore: KeyvRedis<unknown>, timeoutMs: number): void {
  let closed = false;
  const getClient = redisStore.getClient.bind(redisStore);
  redisStore.getClient = () =>
    closed ? Promise.reject(new Error('the Redis cache is closed: the app is shutting down')) : getClient();
  redisStore.disconnect = async (force?: boolean) => {
    // KeyvRedis itself disconnects with force after a failed connect: the store may connect again later.
    if (!force) closed = true;
    const client = redisStore.client;
    if (!client.isOpen) return;
    // Down or reconnecting (or forced): no reply will come.
    if (!force && 'isReady' in client && client.isReady) await answeredWithin(() => client.ping(), timeoutMs);
    client.destroy();
  };
}

/** Resolves once `ping` settles (Redis has answered every command sent before it), or after `timeoutMs`. */
async function answeredWithin(ping: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  const answered = ping().then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([answered, timedOut]);
  clearTimeout(timer);
}

/**
 * Every distinct list query is its own entry, so anonymous clients can make the cache as large as
 * Redis lets it grow: Redis itself must bound it (maxmemory) and make room by evicting. Every entry
 * has a TTL, so volatile-lru suffices, and it never evicts keys without one, such as a job queue's.
 * Undefined when Redis is configured so; otherwise the warning to log.
 */
export function memoryPolicyWarning(infoMemory: string): string | undefined {
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(infoMemory)?.[1]?.trim();
  const advice = 'set maxmemory and maxmemory-policy volatile-lru (docs/runtime.md, "Memory")';
  if (field('maxmemory') === '0')
    return `Redis has no maxmemory: distinct list queries can grow the cache until the host runs out of memory; ${advice}`;
  if (field('maxmemory_policy') === 'noeviction')
    return `Redis evicts nothing when full (maxmemory-policy noeviction): the cache then fails every store and switches itself off; ${advice}`;
  return undefined;
}

/**
 * SET NX (with a TTL unless none is given), which cache-manager lacks, on the store's own Redis client
 * and in Keyv's own format, so the cache manager reads the value back like any other. False when the
 * key exists.
 */
export async function setIfAbsent(store: Keyv, key: string, value: unknown, ttlMs?: number): Promise<boolean> {
  const client = await (store.store as KeyvRedis<unknown>).getClient();
  const expires = ttlMs === undefined ? undefined : Date.now() + ttlMs;
  const serialized = await store.serialize!({ value, expires });
  const expiration = ttlMs === undefined ? undefined : ({ type: 'PX', value: ttlMs } as const);
  const reply = await client.set(key, serialized, { condition: 'NX', expiration });
  return reply === 'OK';
}

/** Deletes a key only while it still holds the caller's token (a substring of its Keyv-serialized value). */
const DELETE_IF_HOLDING = `
local value = redis.call('GET', KEYS[1])
if value and string.find(value, ARGV[1], 1, true) then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Removes a lock taken with setIfAbsent(store, key, token, ttl), unless it expired and someone else
 * holds it now: their token differs, so their lock stays. True when the caller's lock was removed.
 */
export async function deleteIfHolding(store: Keyv, key: string, token: string): Promise<boolean> {
  const client = await (store.store as KeyvRedis<unknown>).getClient();
  const removed = await client.eval(DELETE_IF_HOLDING, { keys: [key], arguments: [token] });
  return removed === 1;
}

/**
 * Sets every key to its value (commands pipelined on the store's own Redis client, in Keyv's format).
 * Unlike the cache manager's set() (KeyvRedis reports Redis errors as events and answers as if it had
 * stored), this rejects when Redis did not take them all, so a version move that failed is known.
 */
export async function setAll(
  store: Keyv,
  entries: readonly { readonly key: string; readonly value: unknown; readonly ttlMs?: number }[],
): Promise<void> {
  const client = await (store.store as KeyvRedis<unknown>).getClient();
  await Promise.all(
    entries.map(async ({ key, value, ttlMs }) => {
      const expires = ttlMs === undefined ? undefined : Date.now() + ttlMs;
      const serialized = await store.serialize!({ value, expires });
      const expiration = ttlMs === undefined ? undefined : ({ type: 'PX', value: ttlMs } as const);
      await client.set(key, serialized, { expiration });
    }),
  );
}
