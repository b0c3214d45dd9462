import { CACHE_MANAGER, Cache, CacheInterceptor } from '@nestjs/cache-manager';
import { CallHandler, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { Observable } from 'rxjs';
import { CACHE_HITS, CACHE_MISSES, CacheLabel } from '../metrics/metric-names';
import { itemKey, listKey, normalizeQuery } from './cache-keys';
import { CACHED_READ_METADATA, CachedReadMetadata } from './cached-read.metadata';
import { EntityCache } from './entity-cache';

interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly params?: Record<string, string | undefined>;
}

/**
 * Nest's CacheInterceptor with apso's keys: an item is cached under its id (so a write can delete it),
 * a list under the resource's current list version plus its normalized query. Counts hits and misses.
 */
@Injectable()
export class ApsoCacheInterceptor extends CacheInterceptor {
  /** Requests for which trackBy produced a key; only these count as a hit or a miss. */
  private readonly cacheable = new WeakSet<object>();

  constructor(
    @Inject(CACHE_MANAGER) cacheManager: Cache,
    reflector: Reflector,
    private readonly entityCache: EntityCache,
    @InjectMetric(CACHE_HITS.name) private readonly hits: Counter<CacheLabel>,
    @InjectMetric(CACHE_MISSES.name) private readonly misses: Counter<CacheLabel>,
  ) {
    super(cacheManager, reflector);
  }

  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const read = this.cachedRead(context);
    if (!read) return next.handle();
    // The base class answers from the cache without calling next.handle(), so a call means a miss.
    let handlerRan = false;
    const observed: CallHandler = {
      handle: () => {
        handlerRan = true;
        return next.handle();
      },
    };
    const result = await super.intercept(context, observed);
    if (this.cacheable.has(context.switchToHttp().getRequest<object>())) {
      (handlerRan ? this.misses : this.hits).inc({ resource: read.resource.name });
    }
    return result;
  }

  protected override async trackBy(context: ExecutionContext): Promise<string | undefined> {
    const read = this.cachedRead(context);
    const request = context.switchToHttp().getRequest<HttpRequest>();
    if (!read || request.method !== 'GET') return undefined;
    const queryStart = request.url.indexOf('?');
    const search = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
    let key: string;
    if (read.kind === 'item') {
      const id = request.params?.id;
      // A query string on an item GET is unexpected; don't let it share or poison the item's entry.
      if (id === undefined || search !== '') return undefined;
      key = itemKey(read.resource, id);
    } else {
      key = listKey(read.resource, await this.entityCache.listVersion(read.resource), normalizeQuery(search));
    }
    this.cacheable.add(request);
    return key;
  }

  private cachedRead(context: ExecutionContext): CachedReadMetadata | undefined {
    return this.reflector.get<CachedReadMetadata | undefined>(CACHED_READ_METADATA, context.getHandler());
  }
}
