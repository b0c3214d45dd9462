import { ResourceDefinition } from '../crud/resource';

/** Handler metadata set by @CachedRead and read by ApsoCacheInterceptor. */
export const CACHED_READ_METADATA = 'apso:cached-read';

export interface CachedReadMetadata {
  readonly resource: ResourceDefinition;
  readonly kind: 'item' | 'list';
  /** How long an entry stays in Redis, in milliseconds (cache-manager 7 takes milliseconds). */
  readonly ttlMs: number;
}
