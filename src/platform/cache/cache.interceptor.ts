import { CACHE_MANAGER, Cache, CacheInterceptor } from '@nestjs/cache-manager';
import { CallHandler, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { Observable, of, tap } from 'rxjs';
import { CACHE_HITS, CACHE_MISSES, CacheLabel } from '../metrics/metric-names';
import { CacheCircuit, CacheUnavailableError } from './cache-circuit';
import { CacheKeys, normalizeQuery } from './cache-keys';
import { CACHED_READ_METADATA, CachedReadMetadata } from './cached-read.metadata';
import { CachedEntry, EntityCache } from './entity-cache';

interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly params?: Record<string, string | undefined>;
}

interface EntryKeys {
  readonly version: string;
  readonly entry: string;
}

/**
 * Nest's CacheInterceptor with versioned entries: one MGET reads an entry and the version it must
 * match (the row's for GET /:id, the resource's for lists), so a hit costs one Redis round trip and
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
  ) {
    super(cacheManager, reflector);
  }

  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const read = this.reflector.get<CachedReadMetadata | undefined>(CACHED_READ_METADATA, context.getHandler());
    const keys = read && this.keysFor(read, context.switchToHttp().getRequest<HttpRequest>());
    if (!read || !keys) return next.handle();
    const { ttlMs } = read;
    const labels = { resource: read.resource.name };
    let current: string | undefined;
    try {
      let entry: CachedEntry | undefined;
      [current, entry] = (await this.circuit.call(() => this.cacheManager.mget([keys.version, keys.entry]))) as [
        string | undefined,
        CachedEntry | undefined,
      ];
      if (current !== undefined && entry?.version === current) {
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
    return next.handle().pipe(tap((body) => void this.store(keys, current, body, ttlMs)));
  }

  /** The keys of a cacheable request; undefined for one that must not be cached. */
  private keysFor(read: CachedReadMetadata, request: HttpRequest): EntryKeys | undefined {
    if (request.method !== 'GET') return undefined;
    const queryStart = request.url.indexOf('?');
    const search = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
    if (read.kind === 'list') {
      return {
        version: this.keys.listVersion(read.resource),
        entry: this.keys.list(read.resource, normalizeQuery(search)),
      };
    }
    const id = request.params?.id;
    // A query string on an item GET is unexpected; don't let it share or poison the item's entry.
    if (id === undefined || search !== '') return undefined;
    return { version: this.keys.itemVersion(read.resource, id), entry: this.keys.item(read.resource, id) };
  }

  /**
   * Stores an answer under the version read before the database was: if a write moved it since,
   * the entry never counts. With no version then, one is claimed now (see EntityCache.claimVersion).
   */
  private async store(keys: EntryKeys, versionBefore: string | undefined, body: unknown, ttlMs: number) {
    try {
      const version = versionBefore ?? (await this.entityCache.claimVersion(keys.version, ttlMs));
      if (version === undefined) return;
      const entry: CachedEntry = { version, body };
      await this.circuit.call(() => this.cacheManager.set(keys.entry, entry, ttlMs));
    } catch (error) {
      if (error instanceof CacheUnavailableError) return;
      this.logger.warn(`could not cache ${keys.entry}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
