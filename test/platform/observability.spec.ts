import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { loadCompiled } from './support/compiled';
import { armExplodingWidget, EXPLODING_WIDGET, FixtureApp, startFixtureApp } from './support/fixture-app';
import { http } from '../support/http';
import { metricValue } from '../support/metrics';
import { eventually } from '../support/services';
import * as platformMetrics from '../../src/platform/metrics/metric-names';

const REDIS_DATABASE = 7; // and 8 for the second app

describe('metrics, health and OpenAPI', () => {
  let fixture: FixtureApp;
  const call = <T = any>(method: string, path: string, body?: unknown) => http<T>(fixture.baseUrl, method, path, body);

  before(async () => {
    fixture = await startFixtureApp(REDIS_DATABASE);
    await armExplodingWidget(fixture.database.url);
  });

  after(async () => {
    await fixture?.close();
  });

  test('/metrics exposes the platform metrics with route templates, never raw URLs', async () => {
    const widget = (await call('POST', '/widgets', { name: 'measured' })).body;
    await call('GET', `/widgets/${widget.id}`);
    // The miss stores its answer after responding: ask again until a GET is served from the cache.
    const hit = async () => (await call('GET', `/widgets/${widget.id}`)).headers.get('x-cache') === 'HIT';
    assert.ok(await eventually(hit), 'a second GET is a cache hit');
    await call('GET', '/no/such/route');
    await call('POST', '/widgets', { name: EXPLODING_WIDGET });

    const { status, text } = await call('GET', '/metrics');
    assert.equal(status, 200);
    for (const type of [
      '# TYPE http_request_duration_seconds histogram',
      '# TYPE db_query_duration_seconds histogram',
      '# TYPE cache_hits_total counter',
      '# TYPE cache_misses_total counter',
      '# TYPE process_cpu_user_seconds_total counter',
    ]) {
      assert.ok(text.includes(type), `missing "${type}"`);
    }
    const samples = [
      'http_request_duration_seconds_count{method="GET",route="/widgets/:id",status_code="200"}',
      'http_request_duration_seconds_count{method="POST",route="/widgets",status_code="201"}',
      'http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}',
      'http_request_duration_seconds_count{method="POST",route="/widgets",status_code="500"}',
      'db_query_duration_seconds_count{connection="primary",success="true"}',
      'db_query_duration_seconds_count{connection="replica",success="true"}',
      'db_query_duration_seconds_count{connection="primary",success="false"}',
      'cache_hits_total{resource="widgets"}',
      'cache_misses_total{resource="widgets"}',
    ];
    for (const sample of samples) assert.ok((await metricValue(fixture.baseUrl, sample)) >= 1, `missing ${sample}`);
    assert.ok(!text.includes(widget.id), 'no raw id in any label');
    assert.ok(!text.includes('/no/such/route'), 'unmatched URLs are not labels');
  });

  test('every metric metric-names.ts declares is on /metrics, so dashboards never name a metric nobody emits', async () => {
    const { text } = await call('GET', '/metrics');
    // The worker's own are checked on the worker's /metrics (test/e2e/jobs.e2e.spec.ts).
    const declared = Object.values(platformMetrics).flatMap((value) =>
      typeof value === 'object' &&
      value !== null &&
      'labelNames' in value &&
      !platformMetrics.WORKER_METRIC_NAMES.includes(value.name)
        ? [value.name]
        : [],
    );
    assert.ok(declared.length > 15);
    const missing = declared.filter((name) => !text.includes(`# TYPE ${name} `));
    assert.deepEqual(missing, []);
  });

  test('both pools run with the configured session settings', async () => {
    const settings = async (connection?: string) => {
      const dataSource = fixture.app.get<DataSource>(getDataSourceToken(connection));
      const [row] = await dataSource.query(
        "SELECT current_setting('statement_timeout') AS timeout, current_setting('application_name') AS name",
      );
      return {
        ...row,
        max: (dataSource.driver as unknown as { master: { options: { max: number } } }).master.options.max,
      };
    };
    assert.deepEqual(await settings(), { timeout: '15s', name: 'apso-primary', max: 10 });
    assert.deepEqual(await settings('replica'), { timeout: '15s', name: 'apso-replica', max: 10 });
  });

  test('/health/live answers without touching dependencies; /health/ready checks them all', async () => {
    const live = await call('GET', '/health/live');
    assert.equal(live.status, 200);
    assert.deepEqual(live.body, { status: 'ok' });

    const ready = await call('GET', '/health/ready');
    assert.equal(ready.status, 200, ready.text);
    assert.equal(ready.body.status, 'ok');
    assert.deepEqual(Object.keys(ready.body.details).sort(), ['database', 'database_replica', 'redis', 'shutdown']);
  });

  test('/openapi.json serves the OpenAPI document', async () => {
    const docs = await call('GET', '/openapi.json');
    assert.equal(docs.status, 200);
    assert.equal(docs.body.openapi, '3.1.0');
    assert.deepEqual(docs.body.servers, [{ url: '/', description: 'The server serving this document.' }]);
    assert.ok(docs.body.paths['/widgets/{id}'].patch);
    assert.ok(docs.body.components.schemas.CreateWidgetDto.properties.labelIds);
  });

  test('a second app in the same process starts and shares the metrics registry; PUBLIC_URL is its server', async () => {
    const second = await startFixtureApp(REDIS_DATABASE + 1, { PUBLIC_URL: 'https://api.example.com/v1' });
    try {
      assert.equal((await http(second.baseUrl, 'GET', '/health/ready')).status, 200);
      const servers = (await http(second.baseUrl, 'GET', '/openapi.json')).body.servers as { url: string }[];
      assert.deepEqual(
        servers.map((server) => server.url),
        ['https://api.example.com/v1'],
      );
      const metrics = await http(second.baseUrl, 'GET', '/metrics');
      assert.ok(metrics.text.includes('http_request_duration_seconds_count{method="GET",route="/health/ready"'));
    } finally {
      await second.close();
    }
  });

  test('/health/ready turns 503 while draining, /health/live stays 200', async () => {
    type ShutdownStateExports = typeof import('../../src/platform/health/shutdown-state');
    const { ShutdownState } = loadCompiled<ShutdownStateExports>('src/platform/health/shutdown-state');
    fixture.app.get(ShutdownState).startDraining();
    const ready = await call('GET', '/health/ready');
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.error.shutdown, { status: 'down', message: 'draining' });
    assert.equal((await call('GET', '/health/live')).status, 200);
  });
});
