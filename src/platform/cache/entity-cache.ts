import { CACHE_MANAGER, Cache } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ResourceDefinition } from '../crud/resource';
import { CacheCircuit, CacheUnavailableError } from './cache-circuit';
import { CacheFreshness } from './cache-freshness';
import { CacheKeys } from './cache-keys';
import { InvalidationOutbox } from './invalidation-outbox';
import { setAll, setIfAbsent } from './redis-store';

/** What a cached read stores: the answer and the versions current when it was read from the database. */
export interface CachedEntry {
  readonly version: string;
  readonly body: unknown;
}

/** A version key and how long it lives; a resource's own versions (list, rows) never expire. */
export interface VersionKey {
  readonly key: string;
  readonly ttlMs?: number;
}

/**
 * A row's version outlives every entry cached under it by this much: an entry is written at most
 * one request after its version was read, and a version that vanished first would be replaced anyway.
 * A resource's list and rows versions are a few keys per resource, so they are kept without a TTL.
 */
const VERSION_TTL_MARGIN_MS = 60_000;

/** Version keys moved per Redis call. */
const MOVE_CHUNK = 100;

/**
 * Versions of a resource's cached reads. An entry counts only while the versions it was read under
 * are all current, so a write moves versions instead of deleting entries. That closes the race a
 * delete leaves open: a read that fetched the row before a write commits and caches it after the
 * delete would otherwise serve the old row until its TTL ran out, even to the client that wrote.
 */
@Injectable()
export class EntityCache implements OnModuleInit {
  private readonly logger = new Logger(EntityCache.name);

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly keys: CacheKeys,
    private readonly circuit: CacheCircuit,
    private readonly freshness: CacheFreshness,
    private readonly outbox: InvalidationOutbox,
  ) {}

  /**
   * An instance that lost its Redis connection (Redis stopped, restarted, unreachable) cannot know
   * which writes other instances made meanwhile without moving their versions: it becomes suspect
   * too, so once Redis is back it serves cached answers only after the relay has drained the outbox
   * (CacheFreshness), not up to a relay interval later. An instance that never lost Redis relies on
   * the other instances' relays (docs/runtime.md, "When Redis fails").
   */
  onModuleInit(): void {
    this.cache.stores[0].on('error', () => this.freshness.markSuspect());
  }

  /**
   * The versions a GET /:id entry must match: the row's own and that of all the resource's rows, and
   * when it embeds other resources' rows (`include`), the version of those.
   */
  itemVersions(resource: ResourceDefinition, id: string | number, embeds = false): VersionKey[] {
    return [this.rowVersion(resource, id), { key: this.keys.rowsVersion(resource) }, ...this.embeds(resource, embeds)];
  }

  /** The versions a list entry must match: the list's, and that of embedded rows as for items. */
  listVersions(resource: ResourceDefinition, embeds = false): VersionKey[] {
    return [{ key: this.keys.listVersion(resource) }, ...this.embeds(resource, embeds)];
  }

  /**
   * Called to store an answer that was read from the database while a version was not stored (never
   * written, expired or evicted): sets a fresh token, never a constant (so an eviction cannot bring
   * back entries cached under an older version), only if the key is still absent. A version that
   * appeared meanwhile may come from a write after the read, so then nothing is stored (undefined);
   * the next miss caches under it. Claimed after the answer succeeded: failed reads leave no keys.
   */
  async claimVersion(version: VersionKey): Promise<string | undefined> {
    const token = randomUUID();
    // The cache manager's one store is the Redis store createRedisStore() built.
    const claimed = await this.circuit.call(() => setIfAbsent(this.cache.stores[0], version.key, token, version.ttlMs));
    return claimed ? token : undefined;
  }

  /**
   * The versions a write of the resource must move once committed: the list's, and the row's when an
   * existing row changed, so every entry read before the write stops counting. A unique token per
   * write needs no atomic increment.
   */
  versionsToMove(resource: ResourceDefinition, id?: string | number): VersionKey[] {
    const moves = resource.cache ? this.listVersions(resource) : [];
    // Cached answers of other resources that embed this one's rows (even when this one is not cached).
    moves.push(...this.embeddingVersions(resource.embeddedIn));
    if (id === undefined) return moves;
    // A new row (no id) is referenced by nothing yet, so only a write of an existing one can change
    // what other resources' relation filters select.
    if (resource.cache) moves.push(this.rowVersion(resource, id));
    return [...moves, ...this.filteringLists(resource)];
  }

  /**
   * The versions a delete of these rows must move: besides their own entries, every cached answer of
   * the resources the database changed through foreign keys (cascaded deletes, keys set to NULL)
   * stops counting, whichever of their rows were touched. A soft delete changes no other row.
   */
  deletedVersions(resource: ResourceDefinition, ids: readonly (string | number)[]): VersionKey[] {
    const rows = ids.map((id) => this.rowVersion(resource, id));
    const own = resource.cache ? [...this.listVersions(resource), ...rows] : [];
    const changed = resource.deleteAlsoChanges.flatMap((name) => [
      { key: this.keys.listVersion({ name }) },
      { key: this.keys.rowsVersion({ name }) },
    ]);
    const embedding = this.embeddingVersions(resource.deleteAlsoChangesEmbeddedIn);
    return [...own, ...changed, ...embedding, ...this.filteringLists(resource)];
  }

  /**
   * Records the versions in the outbox inside the write's transaction (see InvalidationOutbox); pass
   * the id to apply() once committed.
   */
  record(em: EntityManager, versions: readonly VersionKey[]): Promise<string | undefined> {
    return this.outbox.record(em, versions);
  }

  /**
   * Moves the versions of a committed write (the fast path). Never fails the write: when Redis
   * misses the move, this instance stops using the cache until the relay has applied the recorded
   * row (CacheFreshness), and every other instance gets it from the relay within
   * CACHE_RELAY_INTERVAL_MS + CACHE_RELAY_AGE_MS (docs/runtime.md). True when Redis took it.
   */
  async apply(versions: readonly VersionKey[], recorded?: string): Promise<boolean> {
    if (versions.length === 0) return true;
    try {
      await this.moveVersions(versions);
    } catch (error) {
      this.freshness.markSuspect();
      // Skipped or timed-out calls are reported by the circuit's state changes.
      if (!(error instanceof CacheUnavailableError))
        this.logger.warn(`could not invalidate ${versions[0].key}: ${String(error)}`);
      return false;
    }
    if (recorded !== undefined) this.outbox.settle(recorded);
    return true;
  }

  /**
   * Gives each version a new token, through the circuit, MOVE_CHUNK keys per call: every call is
   * bounded by CACHE_TIMEOUT_MS, which a bulk write's thousand keys in one call could exceed on a
   * healthy Redis. Throws when Redis did not take them all.
   */
  async moveVersions(versions: readonly VersionKey[]): Promise<void> {
    for (let start = 0; start < versions.length; start += MOVE_CHUNK) {
      const entries = versions
        .slice(start, start + MOVE_CHUNK)
        .map(({ key, ttlMs }) => ({ key, value: randomUUID(), ttlMs }));
      await this.circuit.call(() => setAll(this.cache.stores[0], entries));
    }
  }

  /** The list versions of the resources whose filters read this one's rows (ResourceDefinition.filteredFrom). */
  private filteringLists(resource: ResourceDefinition): VersionKey[] {
    return resource.filteredFrom.map((name) => ({ key: this.keys.listVersion({ name }) }));
  }

  /** The versions that entries of the named resources embedding other resources' rows must match. */
  private embeddingVersions(names: readonly string[]): VersionKey[] {
    return names.map((name) => ({ key: this.keys.embedsVersion({ name }) }));
  }

  private embeds(resource: ResourceDefinition, embeds: boolean): VersionKey[] {
    return embeds ? [{ key: this.keys.embedsVersion(resource) }] : [];
  }

  private rowVersion(resource: ResourceDefinition, id: string | number): VersionKey {
    const ttlMs = (resource.cache?.itemTtlSeconds ?? 0) * 1000 + VERSION_TTL_MARGIN_MS;
    return { key: this.keys.itemVersion(resource, id), ttlMs };
  }
}
