import { CACHE_MANAGER, Cache, CacheInterceptor } from '@nestjs/cache-manager';
import { CallHandler, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { Observable, of, tap } from 'rxjs';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { CACHE_ENTRIES_TOO_LARGE, CACHE_HITS, CACHE_MISSES, CacheLabel } from '../metrics/metric-names';
import { CacheCircuit, CacheUnavailableError } from './cache-circuit';
import { CacheKeys, normalizeQuery } from './cache-keys';
import { CACHED_READ_METADATA, CachedReadMetadata } from './cached-read.metadata';
import { CachedEntry, EntityCache, VersionKey } from './entity-cache';

interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly params?: Record<string, string | undefined>;
}

interface EntryKeys {
  /** The versions the entry must have been read under, all still current, for a hit. */
  readonly versions: readonly VersionKey[];
  readonly entry: string;
}

/**
 * Nest's CacheInterceptor with versioned entries: one MGET reads an entry and the versions it must
 * match (EntityCache.itemVersions or listVersions), so a hit costs one Redis round trip and
 * an entry read before a write is never served after it. Counts hits and misses. Every Redis call
 * goes through the CacheCircuit: with Redis down, slow or hung, requests are served from the database.
 */
@Injectable()
export class ApsoCacheInterceptor extends CacheInterceptor {
  private readonly logger = new Logger(ApsoCacheInterceptor.name);

  constructor(
    @Inject(CACHE_MANAGER) cacheManager: Cache,
    reflector: Reflector,
    private readonly entityCache: EntityCache,
    private readonly keys: CacheKeys,
    private readonly circuit: CacheCircuit,
    @InjectMetric(CACHE_HITS.name) private readonly hits: Counter<CacheLabel>,
    @InjectMetric(CACHE_MISSES.name) private readonly misses: Counter<CacheLabel>,
    @InjectMetric(CACHE_ENTRIES_TOO_LARGE.name) private readonly tooLarge: Counter<CacheLabel>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(cacheManager, reflector);
  }

  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const read = this.reflector.get<CachedReadMetadata | undefined>(CACHED_READ_METADATA, context.getHandler());
    const keys = read && this.keysFor(read, context.switchToHttp().getRequest<HttpRequest>());
    if (!read || !keys) return next.handle();
    const labels = { resource: read.resource.name };
    let current: (string | undefined)[];
    try {
      const values = (await this.circuit.call(() =>
        this.cacheManager.mget([...keys.versions.map((version) => version.key), keys.entry]),
      )) as unknown[];
      const entry = values.pop() as CachedEntry | undefined;
      current = values as (string | undefined)[];
      if (entry !== undefined && !current.includes(undefined) && entry.version === current.join(' ')) {
        this.hits.inc(labels);
        this.setHeadersWhenHttp(context, entry.body);
        return of(entry.body);
      }
    } catch {
      // The store logs Redis errors and the circuit its timeouts; the database answers meanwhile.
      return next.handle();
    }
    this.misses.inc(labels);
    this.setHeadersWhenHttp(context, undefined);
    // Only a successful answer gets here: a 404, a 400 from a pipe or any error skips tap's callback.
    return next.handle().pipe(tap((body) => void this.store(read, keys, current, body)));
  }

  /** The keys of a cacheable request; undefined for one that must not be cached. */
  private keysFor(read: CachedReadMetadata, request: HttpRequest): EntryKeys | undefined {
    if (request.method !== 'GET') return undefined;
    const queryStart = request.url.indexOf('?');
    const search = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
    if (read.kind === 'list') {
      return {
        versions: this.entityCache.listVersions(read.resource),
        entry: this.keys.list(read.resource, normalizeQuery(search)),
      };
    }
    const id = request.params?.id;
    // A query string on an item GET is unexpected; don't let it share or poison the item's entry.
    if (id === undefined || search !== '') return undefined;
    return { versions: this.entityCache.itemVersions(read.resource, id), entry: this.keys.item(read.resource, id) };
  }

  /**
   * Stores an answer under the versions read before the database was: if a write moved one since,
   * the entry never counts. A version absent then is claimed now (see EntityCache.claimVersion).
   * An answer larger than CACHE_MAX_ENTRY_BYTES is not stored: a page of large rows would otherwise
   * take megabytes of Redis per distinct query.
   */
  private async store(
    read: CachedReadMetadata,
    keys: EntryKeys,
    versionsBefore: (string | undefined)[],
    body: unknown,
  ) {
    if (Buffer.byteLength(JSON.stringify(body)) > this.config.cacheMaxEntryBytes) {
      this.tooLarge.inc({ resource: read.resource.name });
      return;
    }
    try {
      const versions = await Promise.all(
        keys.versions.map((version, index) => versionsBefore[index] ?? this.entityCache.claimVersion(version)),
      );
      if (versions.includes(undefined)) return;
      const entry: CachedEntry = { version: versions.join(' '), body };
      await this.circuit.call(() => this.cacheManager.set(keys.entry, entry, read.ttlMs));
    } catch (error) {
      if (error instanceof CacheUnavailableError) return;
      this.logger.warn(`could not cache ${keys.entry}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
