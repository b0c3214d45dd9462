import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { CACHE_FRESH } from '../metrics/metric-names';

/**
 * Whether this instance may use the cache. A write whose inline invalidation Redis missed (down, too
 * slow, the circuit open) makes the instance suspect: entries read before that write may still count
 * in Redis, so until the relay has applied every outstanding invalidation (InvalidationRelay), the
 * instance neither serves nor stores cached answers. Each failure bumps `generation`, so a drain that
 * began before a later failure cannot clear it.
 */
@Injectable()
export class CacheFreshness {
  private failures = 0;
  private cleared = 0;
  private readonly listeners = new Set<() => void>();

  constructor(@InjectMetric(CACHE_FRESH.name) private readonly fresh: Gauge) {
    fresh.set(1);
  }

  get suspect(): boolean {
    return this.failures !== this.cleared;
  }

  /** Changes with every failure; pass the value read before a drain to clear(). */
  get generation(): number {
    return this.failures;
  }

  /** An invalidation did not reach Redis: stop using the cache and wake the relay. */
  markSuspect(): void {
    this.failures++;
    this.fresh.set(0);
    for (const listener of this.listeners) listener();
  }

  /** Every invalidation outstanding when `generation` was read is applied; clears unless one failed since. */
  clear(generation: number): void {
    if (generation !== this.failures) return;
    this.cleared = generation;
    this.fresh.set(1);
  }

  /** Called on each markSuspect (the relay drains at once). */
  onSuspect(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
