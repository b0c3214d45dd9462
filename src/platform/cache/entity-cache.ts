import { CACHE_MANAGER, Cache } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ResourceDefinition } from '../crud/resource';
import { CacheCircuit, CacheUnavailableError } from './cache-circuit';
import { CacheKeys } from './cache-keys';
import { setIfAbsent } from './redis-store';

/** What a cached read stores: the answer and the version current when it was read from the database. */
export interface CachedEntry {
  readonly version: string;
  readonly body: unknown;
}

/**
 * A version outlives every entry cached under it by this much: an entry is written at most one
 * request after its version was read, and a version that vanished first would be replaced anyway.
 */
const VERSION_TTL_MARGIN_MS = 60_000;

/**
 * Versions of a resource's cached reads. An entry counts only while its version is current, so a
 * write moves the version instead of deleting entries. That closes the race a delete leaves open: a
 * read that fetched the row before a write commits and caches it after the delete would otherwise
 * serve the old row until its TTL ran out, even to the client that wrote.
 */
@Injectable()
export class EntityCache {
  private readonly logger = new Logger(EntityCache.name);

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly keys: CacheKeys,
    private readonly circuit: CacheCircuit,
  ) {}

  /**
   * Called to store an answer that was read from the database while no version was stored (never
   * written, expired or evicted): sets a fresh token, never a constant (so an eviction cannot bring
   * back entries cached under an older version), only if the key is still absent. A version that
   * appeared meanwhile may come from a write after the read, so then nothing is stored (undefined);
   * the next miss caches under it. Claimed after the answer succeeded: failed reads leave no keys.
   */
  async claimVersion(versionKey: string, entryTtlMs: number): Promise<string | undefined> {
    const version = randomUUID();
    // The cache manager's one store is the Redis store createRedisStore() built.
    const claimed = await this.circuit.call(() =>
      setIfAbsent(this.cache.stores[0], versionKey, version, entryTtlMs + VERSION_TTL_MARGIN_MS),
    );
    return claimed ? version : undefined;
  }

  /**
   * Called after a write commits: moves the row's version and the resource's list version, so every
   * entry read before the write stops counting. A unique token per write needs no atomic increment.
   * Never fails the write, which is committed: when Redis cannot be reached (or the circuit skips
   * it), entries read before the write may be served until their TTL runs out (docs/runtime.md).
   */
  async invalidate(resource: ResourceDefinition, id?: string | number): Promise<void> {
    if (!resource.cache) return;
    const { itemTtlSeconds, listTtlSeconds } = resource.cache;
    const moves: [string, number][] = [[this.keys.listVersion(resource), listTtlSeconds]];
    if (id !== undefined) moves.push([this.keys.itemVersion(resource, id), itemTtlSeconds]);
    try {
      await this.circuit.call(() =>
        Promise.all(
          moves.map(([key, ttlSeconds]) =>
            this.cache.set(key, randomUUID(), ttlSeconds * 1000 + VERSION_TTL_MARGIN_MS),
          ),
        ),
      );
    } catch (error) {
      // Skipped or timed-out calls are reported by the circuit's state changes.
      if (!(error instanceof CacheUnavailableError))
        this.logger.warn(`could not invalidate ${moves[0][0]}: ${String(error)}`);
    }
  }
}
