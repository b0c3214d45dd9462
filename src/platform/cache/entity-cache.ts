import { CACHE_MANAGER, Cache } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ResourceDefinition } from '../crud/resource';
import { itemKey, listVersionKey } from './cache-keys';

/** Versioning and invalidation of a resource's cached reads. */
@Injectable()
export class EntityCache {
  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  /**
   * The token list keys are built with. When absent (never written, or evicted) a fresh one is stored
   * rather than a constant: a constant would let an eviction resurrect list pages cached under it.
   */
  async listVersion(resource: ResourceDefinition): Promise<string> {
    const key = listVersionKey(resource);
    const current = await this.cache.get<string>(key);
    if (current) return current;
    const fresh = randomUUID();
    await this.cache.set(key, fresh);
    return fresh;
  }

  /**
   * Called after a write commits: drops the row's cached item and moves lists to a new version.
   * A plain SET of a unique token is enough (no INCR): concurrent writers each leave a version
   * nobody has cached under, which is all that matters.
   */
  async invalidate(resource: ResourceDefinition, id?: string | number): Promise<void> {
    if (!resource.cache) return;
    await Promise.all([
      id === undefined ? undefined : this.cache.del(itemKey(resource, id)),
      this.cache.set(listVersionKey(resource), randomUUID()),
    ]);
  }
}
