import { AfterQueryEvent, BeforeQueryEvent, EntitySubscriberInterface, EventSubscriber, QueryRunner } from 'typeorm';
import { DB_QUERY_DURATION } from '../metrics/metric-names';
import { histogram } from '../metrics/metric-registry';
import { connectionLabel } from './connections';

const durations = histogram({ ...DB_QUERY_DURATION, labelNames: [...DB_QUERY_DURATION.labelNames] });

/**
 * Times every query of the DataSource it is registered on. TypeORM's `executionTime` has millisecond
 * resolution (most queries read 0) and is missing for failed queries, so start times are queued per
 * query runner (a pg connection answers its queries in order); `executionTime` is only the fallback.
 */
@EventSubscriber()
export class QueryMetricsSubscriber implements EntitySubscriberInterface {
  private readonly startTimes = new WeakMap<QueryRunner, number[]>();

  beforeQuery(event: BeforeQueryEvent<unknown>): void {
    const queue = this.startTimes.get(event.queryRunner);
    if (queue) queue.push(performance.now());
    else this.startTimes.set(event.queryRunner, [performance.now()]);
  }

  afterQuery(event: AfterQueryEvent<unknown>): void {
    const startedAt = this.startTimes.get(event.queryRunner)?.shift();
    const milliseconds = startedAt === undefined ? event.executionTime : performance.now() - startedAt;
    if (milliseconds === undefined) return;
    durations.observe(
      { connection: connectionLabel(event.connection.name), success: String(event.success) },
      milliseconds / 1000,
    );
  }
}
