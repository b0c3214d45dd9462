import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { TcpProxy } from './support/tcp-proxy';
import { http } from '../support/http';
import { metricValue } from '../support/metrics';
import { eventually, TestDatabase } from '../support/services';

const REDIS_DATABASE = 3; // and 4 for the app started with the replica down

const COOL_DOWN_MS = 1_000;

const REPLICA_READS = 'db_query_duration_seconds_count{connection="replica",success="true"}';
const PRIMARY_READS = 'db_query_duration_seconds_count{connection="primary",success="true"}';
const CIRCUIT_OPEN = 'db_replica_circuit_open';
const fallbacks = (reason: string) => `db_replica_fallbacks_total{reason="${reason}"}`;

/**
 * The app's replica is the app's own database reached through a proxy the test can stop, as a
 * replica going down looks to the app (open connections cut, new ones refused), while the primary
 * stays up. The data is the same on both, so every answer can be checked.
 */
async function startBehindReplicaProxy(
  redisDatabase: number,
  replicaRunning: boolean,
): Promise<{ fixture: FixtureApp; proxy: TcpProxy }> {
  let proxy: TcpProxy | undefined;
  const fixture = await startFixtureApp(redisDatabase, async (database: TestDatabase) => {
    const url = new URL(database.url);
    proxy = new TcpProxy(url.hostname, Number(url.port || '5432'));
    await proxy.start();
    if (!replicaRunning) await proxy.stop(); // keeps its port for a later start()
    url.port = String(proxy.port);
    return {
      DATABASE_REPLICA_URL: url.toString(),
      DB_CONNECT_TIMEOUT_MS: '1000',
      REPLICA_BREAKER_FAILURES: '2',
      REPLICA_BREAKER_COOLDOWN_MS: String(COOL_DOWN_MS),
    };
  });
  return { fixture, proxy: proxy as TcpProxy };
}

let pageSize = 100;
let offset = 1_000;

/**
 * Reads the cache has not seen: each id once, each full list under a page size of its own, and
 * each probe (an empty page, for polling) at an offset of its own.
 */
function uncachedReads(fixture: FixtureApp) {
  return {
    byId: (id: string) => http(fixture.baseUrl, 'GET', `/widgets/${id}`),
    list: () => http(fixture.baseUrl, 'GET', `/widgets?limit=${pageSize--}`),
    probe: () => http(fixture.baseUrl, 'GET', `/widgets?offset=${offset++}`),
  };
}

async function createWidgets(fixture: FixtureApp, prefix: string, count: number): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const created = await http(fixture.baseUrl, 'POST', '/widgets', { name: `${prefix}-${i}` });
    assert.equal(created.status, 201, created.text);
    names.set(created.body.id as string, created.body.name as string);
  }
  return names;
}

/** Sums every labelled sample of a metric family, e.g. all reasons of db_replica_fallbacks_total. */
async function metricTotal(baseUrl: string, name: string): Promise<number> {
  const { text } = await http(baseUrl, 'GET', '/metrics');
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('the replica down and back', () => {
  let fixture: FixtureApp;
  let proxy: TcpProxy;
  let widgets: Map<string, string>;

  before(async () => {
    ({ fixture, proxy } = await startBehindReplicaProxy(REDIS_DATABASE, true));
    widgets = await createWidgets(fixture, 'outage', 6);
  });

  after(async () => {
    await fixture?.close();
    await proxy?.stop();
  });

  test('uncached reads answer from the primary, and the pod stays ready but degraded', async () => {
    const reads = uncachedReads(fixture);
    const before = await metricValue(fixture.baseUrl, REPLICA_READS);
    assert.equal((await reads.list()).status, 200);
    assert.ok((await metricValue(fixture.baseUrl, REPLICA_READS)) > before, 'reads go to the replica while it is up');

    await proxy.stop();
    const replicaReadsBefore = await metricValue(fixture.baseUrl, REPLICA_READS);
    const primaryReadsBefore = await metricValue(fixture.baseUrl, PRIMARY_READS);
    for (const [id, name] of widgets) {
      const one = await reads.byId(id);
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.name, name);
      const page = await reads.list();
      assert.equal(page.status, 200, page.text);
      assert.deepEqual(new Set(page.body.data.map((row: { id: string }) => row.id)), new Set(widgets.keys()));
    }

    const baseUrl = fixture.baseUrl;
    assert.equal(await metricValue(baseUrl, REPLICA_READS), replicaReadsBefore, 'no read succeeded on the replica');
    assert.ok((await metricValue(baseUrl, PRIMARY_READS)) >= primaryReadsBefore + 2 * widgets.size);
    const faults =
      (await metricTotal(baseUrl, 'db_replica_fallbacks_total')) -
      (await metricValue(baseUrl, fallbacks('circuit_open')));
    assert.ok(faults >= 2, `reads that failed on the replica were retried on the primary (${faults})`);
    assert.ok((await metricValue(baseUrl, fallbacks('circuit_open'))) > 0, 'then the open circuit skipped it');
    assert.equal(await metricValue(baseUrl, CIRCUIT_OPEN), 1);

    const ready = await http(baseUrl, 'GET', '/health/ready');
    assert.equal(ready.status, 200, ready.text);
    const degraded = await http(baseUrl, 'GET', '/health/degraded');
    assert.equal(degraded.body.status, 'degraded', degraded.text);
    assert.deepEqual(degraded.body.degraded, ['replica']);
    assert.equal(degraded.body.details.database_replica.status, 'down');
    assert.equal(await metricValue(baseUrl, 'dependency_up{dependency="replica"}'), 0);
  });

  test('once the replica is back, reads go to it again after the cool-down', async () => {
    const reads = uncachedReads(fixture);
    assert.equal(await metricValue(fixture.baseUrl, CIRCUIT_OPEN), 1, 'still open from the outage');
    await proxy.start();
    const replicaReadsBefore = await metricValue(fixture.baseUrl, REPLICA_READS);
    const backOnReplica = await eventually(async () => {
      assert.equal((await reads.probe()).status, 200);
      return (await metricValue(fixture.baseUrl, REPLICA_READS)) > replicaReadsBefore;
    }, COOL_DOWN_MS + 5_000);
    assert.ok(backOnReplica, 'a probe after the cool-down found the replica and closed the circuit');
    assert.equal(await metricValue(fixture.baseUrl, CIRCUIT_OPEN), 0);
    const degraded = await http(fixture.baseUrl, 'GET', '/health/degraded');
    assert.deepEqual(degraded.body.degraded, [], degraded.text);
  });
});

describe('started with the replica down', () => {
  let fixture: FixtureApp;
  let proxy: TcpProxy;

  before(async () => {
    ({ fixture, proxy } = await startBehindReplicaProxy(REDIS_DATABASE + 1, false));
  });

  after(async () => {
    await fixture?.close();
    await proxy?.stop();
  });

  test('the app starts, serves reads from the primary, and uses the replica once it is up', async () => {
    const widgets = await createWidgets(fixture, 'cold', 2);
    const reads = uncachedReads(fixture);
    for (const [id, name] of widgets) {
      const one = await reads.byId(id);
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.name, name);
    }
    const page = await reads.list();
    assert.equal(page.status, 200, page.text);
    assert.equal(page.body.data.length, widgets.size);
    assert.ok((await metricValue(fixture.baseUrl, fallbacks('not_connected'))) >= 3);
    assert.equal((await http(fixture.baseUrl, 'GET', '/health/ready')).status, 200);
    assert.deepEqual((await http(fixture.baseUrl, 'GET', '/health/degraded')).body.degraded, ['replica']);

    await proxy.start();
    const replicaReadsBefore = await metricValue(fixture.baseUrl, REPLICA_READS);
    const onReplica = await eventually(async () => {
      const probed = await reads.probe();
      assert.equal(probed.status, 200, probed.text);
      return (await metricValue(fixture.baseUrl, REPLICA_READS)) > replicaReadsBefore;
    }, COOL_DOWN_MS + 5_000);
    assert.ok(onReplica, 'the replica is used without a restart');
  });
});
