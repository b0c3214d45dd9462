import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { DB_POOL_CONNECTIONS, DB_POOL_MAX, DB_POOL_WAITING } from '../metrics/metric-names';
import { gauge } from '../metrics/metric-registry';
import { connectionLabel, REPLICA } from './connections';

/** What node-postgres' Pool counts (pg-pool keeps these up to date on every checkout and release). */
interface PgPoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options: { readonly max: number };
}

/** The data sources whose pools /metrics reports; more than one app may run in a test process. */
const watched = new Set<DataSource>();

/** The pg pool of an open data source; a replica not opened yet (or closed) has none to report. */
function poolOf(dataSource: DataSource): PgPoolCounts | undefined {
  if (!dataSource.isInitialized) return undefined;
  return (dataSource.driver as unknown as { master?: PgPoolCounts }).master;
}

/**
 * Sets a gauge from every watched pool when Prometheus scrapes, so the numbers are the pool's at
 * that moment rather than at the last query. Two apps in one process add up, as one process would.
 */
function readAtScrape<T extends string>(read: (target: Gauge<T>, connection: string, pool: PgPoolCounts) => void) {
  return function collect(this: Gauge<T>): void {
    this.reset();
    for (const dataSource of watched) {
      const pool = poolOf(dataSource);
      if (pool) read(this, connectionLabel(dataSource.name), pool);
    }
  };
}

gauge({
  ...DB_POOL_CONNECTIONS,
  labelNames: [...DB_POOL_CONNECTIONS.labelNames],
  collect: readAtScrape((target, connection, pool) => {
    target.inc({ connection, state: 'in_use' }, pool.totalCount - pool.idleCount);
    target.inc({ connection, state: 'idle' }, pool.idleCount);
  }),
});
gauge({
  ...DB_POOL_WAITING,
  labelNames: [...DB_POOL_WAITING.labelNames],
  collect: readAtScrape((target, connection, pool) => target.inc({ connection }, pool.waitingCount)),
});
gauge({
  ...DB_POOL_MAX,
  labelNames: [...DB_POOL_MAX.labelNames],
  collect: readAtScrape((target, connection, pool) => target.inc({ connection }, pool.options.max)),
});

/** Puts the primary and replica pools on /metrics for as long as this app runs. */
@Injectable()
export class PoolMetrics implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @InjectDataSource() private readonly primary: DataSource,
    @InjectDataSource(REPLICA) private readonly replica: DataSource,
  ) {}

  onModuleInit(): void {
    watched.add(this.primary);
    watched.add(this.replica);
  }

  onApplicationShutdown(): void {
    watched.delete(this.primary);
    watched.delete(this.replica);
  }
}
