import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { metricValue } from '../support/metrics';
import { eventually } from '../support/services';

const REDIS_DATABASE = 7; // shared with observability.spec.ts; files run one at a time and each flushes it first

interface PgPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

describe('the pool gauges on /metrics', () => {
  let fixture: FixtureApp;
  const dataSource = (connection?: string) => fixture.app.get<DataSource>(getDataSourceToken(connection));
  const poolOf = (connection?: string) => (dataSource(connection).driver as unknown as { master: PgPool }).master;
  const scraped = (sample: string) => metricValue(fixture.baseUrl, sample);
  const inUse = (connection: string) => scraped(`db_pool_connections{connection="${connection}",state="in_use"}`);
  const idle = (connection: string) => scraped(`db_pool_connections{connection="${connection}",state="idle"}`);
  const waiting = (connection: string) => scraped(`db_pool_waiting_requests{connection="${connection}"}`);

  before(async () => {
    fixture = await startFixtureApp(REDIS_DATABASE, { DB_POOL_MAX: '3', DB_REPLICA_POOL_MAX: '2' });
  });

  after(async () => {
    await fixture?.close();
  });

  test('report each pool its configured size', async () => {
    assert.equal(await scraped('db_pool_max_connections{connection="primary"}'), 3);
    assert.equal(await scraped('db_pool_max_connections{connection="replica"}'), 2);
  });

  test('report the connections checked out, the idle ones and the queries waiting, as the pools count them', async () => {
    const held: QueryRunner[] = [];
    const hold = async (connection?: string) => {
      const runner = dataSource(connection).createQueryRunner();
      await runner.connect();
      held.push(runner);
    };
    for (let i = 0; i < 3; i++) await hold();
    await hold('replica');
    // The primary pool is exhausted: this query queues inside pg-pool until a connection comes back.
    const queued = dataSource().query('SELECT 1 AS one');
    assert.ok(await eventually(async () => poolOf().waitingCount === 1), 'the fourth query waits');
    try {
      assert.equal(await inUse('primary'), 3);
      assert.equal(await waiting('primary'), 1);
      assert.equal(await inUse('replica'), 1);
      assert.equal(await waiting('replica'), 0);
      assert.equal(await idle('replica'), poolOf('replica').idleCount);
    } finally {
      for (const runner of held) await runner.release();
    }
    assert.deepEqual(await queued, [{ one: 1 }]);
    assert.equal(await inUse('primary'), 0);
    assert.equal(await waiting('primary'), 0);
    assert.equal(await idle('primary'), poolOf().totalCount);
    assert.ok((await idle('primary')) >= 1, 'the released connections stay open, idle');
  });
});
