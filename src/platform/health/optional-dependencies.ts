import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { CacheCircuit } from '../cache/cache-circuit';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { REPLICA } from '../database/connections';
import { ReplicaReads } from '../database/replica-reads';
import { DEPENDENCY_UP, DependencyLabel, OptionalDependency } from '../metrics/metric-names';
import { RedisHealthIndicator } from './redis.health';

/** Each check must answer within this; Kubernetes' default probe timeout is one second. */
export const PING_TIMEOUT_MS = 800;

/** What the pod's optional dependencies look like; the keys are those of the readiness body's details. */
export interface DependencyReport {
  readonly status: 'ok' | 'degraded';
  /** The optional dependencies that are down. */
  readonly degraded: OptionalDependency[];
  readonly details: HealthIndicatorResult;
}

/**
 * Redis and the read replica: when either is down the pod still answers (from the database, and
 * reads from the primary), so they make the pod degraded, never unready; taking every pod out of
 * service at once for a cache would turn a slower service into none. Each check also sets
 * `dependency_up`, so the probes keep the gauge current.
 */
@Injectable()
export class OptionalDependencies {
  constructor(
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly circuit: CacheCircuit,
    private readonly replicaReads: ReplicaReads,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource(REPLICA) private readonly replica: DataSource,
    @InjectMetric(DEPENDENCY_UP.name) private readonly up: Gauge<DependencyLabel>,
  ) {}

  async check(): Promise<DependencyReport> {
    const [replica, redis] = await Promise.all([
      this.typeorm.pingCheck('database_replica', { connection: this.replica, timeout: PING_TIMEOUT_MS }),
      // As long as a cache call may wait: a Redis slower than that is skipped by the cache anyway.
      this.redis.pingCheck('redis', this.config.cacheTimeoutMs),
    ]);
    const results: [OptionalDependency, HealthIndicatorResult][] = [
      ['replica', { database_replica: { ...replica.database_replica, circuit: this.replicaReads.state } }],
      ['redis', { redis: { ...redis.redis, circuit: this.circuit.state } }],
    ];
    const degraded: OptionalDependency[] = [];
    for (const [dependency, result] of results) {
      const isUp = Object.values(result)[0].status === 'up';
      this.up.set({ dependency }, isUp ? 1 : 0);
      if (!isUp) degraded.push(dependency);
    }
    return {
      status: degraded.length === 0 ? 'ok' : 'degraded',
      degraded,
      details: { ...results[0][1], ...results[1][1] },
    };
  }
}
