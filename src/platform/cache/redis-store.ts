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
