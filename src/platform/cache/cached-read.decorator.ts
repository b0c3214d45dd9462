import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ResourceDefinition } from '../crud/resource';
import { ApsoCacheInterceptor } from './cache.interceptor';
import { CACHED_READ_METADATA, CachedReadMetadata } from './cached-read.metadata';

/**
 * Serves a GET handler through the Redis cache with the resource's TTL for that kind of read.
 * Does nothing when the resource has caching turned off, so generated code can always apply it.
 */
export function CachedRead(resource: ResourceDefinition, kind: 'item' | 'list'): MethodDecorator {
  if (!resource.cache) return () => undefined;
  const seconds = kind === 'item' ? resource.cache.itemTtlSeconds : resource.cache.listTtlSeconds;
  // Everything the interceptor needs per request, computed once here.
  const metadata: CachedReadMetadata = { resource, kind, ttlMs: seconds * 1000 };
  return applyDecorators(SetMetadata(CACHED_READ_METADATA, metadata), UseInterceptors(ApsoCacheInterceptor));
}
