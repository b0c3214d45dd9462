import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { CACHE_INVALIDATIONS_RELAYED } from '../metrics/metric-names';
import { CacheFreshness } from './cache-freshness';
import { EntityCache, VersionKey } from './entity-cache';
import { ANY_OLDER, CLAIM_DUE } from './invalidation-outbox';

/** Rows applied per transaction (their versions merged, then moved 100 keys per Redis call). */
export const RELAY_BATCH = 500;
/** Pause between drains while this instance is suspect and Redis still misses them. */
const DRAIN_RETRY_MS = 200;
const ERROR_LOG_INTERVAL_MS = 10_000;

/** The versions of many rows, each key once; a key without a TTL keeps none, otherwise the longest. */
export function mergeVersions(rows: readonly (readonly VersionKey[])[]): VersionKey[] {
  const merged = new Map<string, number | undefined>();
  for (const versions of rows)
    for (const { key, ttlMs } of versions) {
      if (!merged.has(key)) merged.set(key, ttlMs);
      else {
        const known = merged.get(key);
        merged.set(key, known === undefined || ttlMs === undefined ? undefined : Math.max(known, ttlMs));
      }
    }
  return [...merged].map(([key, ttlMs]) => (ttlMs === undefined ? { key } : { key, ttlMs }));
}

/**
 * One relay transaction: takes up to `limit` rows older than `ageMs` off the outbox, moves their
 * versions with `move` and commits only if that succeeded; otherwise rolls back and the rows stay for
 * the next try (here or on another pod). Plain statements in one transaction, so it works behind a
 * transaction pooler. Returns how many rows it applied and when its transaction began (database clock).
 */
export async function relayBatch(
  primary: DataSource,
  ageMs: number,
  limit: number,
  move: (versions: VersionKey[]) => Promise<void>,
): Promise<{ applied: number; startedAt: Date }> {
  return primary.transaction(async (em) => {
    const [{ started }] = (await em.query('SELECT now() AS started')) as { started: Date }[];
    // TypeORM answers a DELETE … RETURNING with [rows, affected count].
    const [rows] = (await em.query(CLAIM_DUE, [ageMs / 1000, limit])) as [{ versions: VersionKey[] }[], number];
    if (rows.length > 0) await move(mergeVersions(rows.map((row) => row.versions)));
    return { applied: rows.length, startedAt: started };
  });
}

/**
 * Applies the cache invalidations writes recorded but could not move in Redis themselves (Redis down
 * or too slow, the pod killed between commit and move). Every CACHE_RELAY_INTERVAL_MS it relays rows
 * older than CACHE_RELAY_AGE_MS (younger ones are normally settled by their write's inline move), on
 * every pod at once (relayBatch). While this instance is suspect (CacheFreshness), it drains every row
 * at once and again until one drain has succeeded and no row older than its start is left: only then
 * does the instance use the cache again.
 */
@Injectable()
export class InvalidationRelay implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(InvalidationRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private readonly stop = new AbortController();
  private unsubscribe?: () => void;
  private lastLogged = 0;

  constructor(
    @InjectDataSource() private readonly primary: DataSource,
    private readonly cache: EntityCache,
    private readonly freshness: CacheFreshness,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectMetric(CACHE_INVALIDATIONS_RELAYED.name) private readonly relayed: Counter,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), this.config.cacheRelayIntervalMs).unref();
    this.unsubscribe = this.freshness.onSuspect(() => void this.tick());
  }

  /** Stops before any connection closes (onApplicationShutdown), and waits for a run in progress. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    this.stop.abort();
    await this.running;
  }

  /** Runs the relay now, unless it is running: then it runs once more right after (never twice at once). */
  tick(): Promise<void> {
    if (this.stop.signal.aborted) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      if (this.freshness.suspect) await this.drainUntilFresh();
      else await this.attempt(() => this.relay(this.config.cacheRelayAgeMs));
    } while (this.again && !this.stop.signal.aborted);
  }

  private async drainUntilFresh(): Promise<void> {
    while (this.freshness.suspect && !this.stop.signal.aborted) {
      const generation = this.freshness.generation;
      const fresh = await this.attempt(async () => {
        // Every write whose move failed here committed before its failure, so before this drain began.
        const startedAt = await this.relay(0);
        const left = (await this.primary.query(ANY_OLDER, [startedAt])) as unknown[];
        return left.length === 0;
      });
      if (fresh) {
        this.freshness.clear(generation);
        continue;
      }
      try {
        await sleep(DRAIN_RETRY_MS, undefined, { signal: this.stop.signal });
      } catch {
        return;
      }
    }
  }

  /** Relays every due row, batch after batch; when the first batch's transaction began. */
  private async relay(ageMs: number): Promise<Date> {
    let first: Date | undefined;
    for (;;) {
      const { applied, startedAt } = await relayBatch(this.primary, ageMs, RELAY_BATCH, (versions) =>
        this.cache.moveVersions(versions),
      );
      first ??= startedAt;
      if (applied > 0) this.relayed.inc(applied);
      if (applied < RELAY_BATCH || this.stop.signal.aborted) return first;
    }
  }

  /** Runs one relay step; a failure (Redis or the database unavailable) is logged now and then and retried. */
  private async attempt<T>(step: () => Promise<T>): Promise<T | undefined> {
    if (!this.primary.isInitialized) return undefined;
    try {
      return await step();
    } catch (error) {
      const now = Date.now();
      if (now - this.lastLogged >= ERROR_LOG_INTERVAL_MS) {
        this.lastLogged = now;
        this.logger.warn(
          `cache invalidations not relayed yet: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return undefined;
    }
  }
}
