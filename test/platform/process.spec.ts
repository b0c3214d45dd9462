import assert from 'node:assert/strict';
import { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { armExplodingWidget, EXPLODING_WIDGET, EXPLOSION, fixtureEnv } from './support/fixture-app';
import { http } from '../support/http';
import { finished, runEntryPoint, startEntryPoint, waitForLogLine } from './support/processes';
import { createDatabase, TestDatabase } from '../support/services';

const REDIS_DATABASE = 9;

/** Parsed JSON log lines of a finished process's stdout. */
function logLines(stdout: string): Record<string, any>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** Servers still running when a test ends (it failed midway); killed in after() so the file can exit. */
const running = new Set<ChildProcess>();

/** Starts the generated src/main.js (the real bootstrap) on a random port; resolves once it logs that it listens. */
async function startServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; baseUrl: string; output: () => string }> {
  const child = startEntryPoint('src/main', {
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const listening = await waitForLogLine(child, (line) => line.msg === 'listening');
  return { child, baseUrl: String(listening.url), output: () => stdout };
}

describe('processes: migrate CLI, bootstrap, graceful shutdown', { timeout: 60_000 }, () => {
  let database: TestDatabase;

  before(async () => {
    database = await createDatabase('apso_platform');
  });

  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    await database?.drop();
  });

  test('migrate applies pending migrations, one JSON line each, and is a no-op the second time', async () => {
    const env = fixtureEnv(database, REDIS_DATABASE);
    const first = await runEntryPoint('src/migrate', { ...env, LOG_LEVEL: 'info' });
    assert.equal(first.code, 0, first.stderr);
    const applied = logLines(first.stdout).filter((line) => line.msg === 'migration applied');
    assert.deepEqual(
      applied.map((line) => line.migration),
      ['ApsoSchema0000000000001'],
    );

    const second = await runEntryPoint('src/migrate', { ...env, LOG_LEVEL: 'info' });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(logLines(second.stdout).filter((line) => line.msg === 'migration applied').length, 0);
  });

  test('migrate exits 1 with one line when the database is unreachable', async () => {
    const result = await runEntryPoint('src/migrate', {
      DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    assert.equal(result.code, 1);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stdout);
    assert.equal(JSON.parse(lines[0]).msg, 'migration failed');
    assert.ok(!result.stdout.includes('s3cret'));
  });

  test('migrate refuses to run through a transaction pooler, before connecting, and names the direct URL', async () => {
    const result = await runEntryPoint('src/migrate', {
      // Unreachable: a refusal that tried to connect first would report the connection instead.
      DATABASE_URL: 'postgres://app@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DB_TRANSACTION_POOLING: 'true',
    });
    assert.equal(result.code, 1);
    const line = JSON.parse(result.stdout.trimEnd()) as Record<string, string>;
    assert.equal(line.msg, 'migration failed');
    assert.match(line.error, /^DB_TRANSACTION_POOLING=true: migrations need a database session of their own/);
    assert.match(line.error, /DATABASE_URL=<DATABASE_DIRECT_URL> DB_TRANSACTION_POOLING=false/);
  });

  test('a server logs JSON with request ids, and drains on SIGTERM before exiting 0', async () => {
    await armExplodingWidget(database.url);
    const server = await startServer({ ...fixtureEnv(database, REDIS_DATABASE), SHUTDOWN_DRAIN_MS: '1500' });
    const exited = finished(server.child);

    assert.equal((await http(server.baseUrl, 'GET', '/health/ready')).status, 200);
    const traced = await http(server.baseUrl, 'GET', '/widgets', undefined, { 'x-request-id': 'trace-42' });
    assert.equal(traced.status, 200);
    const failed = await http(server.baseUrl, 'POST', '/widgets', { name: EXPLODING_WIDGET });
    assert.equal(failed.status, 500);

    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const draining = await http(server.baseUrl, 'GET', '/health/ready');
    assert.equal(draining.status, 503, 'not ready while draining');
    assert.equal(draining.body.error.shutdown.status, 'down');
    assert.equal((await http(server.baseUrl, 'GET', '/health/live')).status, 200, 'still serving while draining');
    assert.equal((await http(server.baseUrl, 'GET', '/widgets')).status, 200, 'still serving while draining');

    const { code } = await exited;
    assert.equal(code, 0);
    const lines = logLines(server.output());
    assert.ok(
      lines.some((l) => l.context === 'NestApplication'),
      "Nest's own logs are JSON",
    );
    assert.ok(
      lines.some((l) => l.reqId === 'trace-42' && l.msg === 'request completed'),
      'request lines carry the id',
    );
    const errorLine = lines.find((l) => l.level === 50 && l.msg === 'unhandled error');
    assert.ok(errorLine, 'the 500 is logged');
    assert.equal(errorLine.reqId, failed.headers.get('x-request-id'));
    assert.ok(errorLine.err.stack.includes(EXPLOSION), errorLine.err.stack);
    assert.match(errorLine.err.query, /^INSERT INTO "widgets"/);
    assert.ok(lines.some((l) => l.msg === 'shutdown complete'));
  });

  test('with Redis down the server is ready and serves, and reports the cache as degraded', async () => {
    const server = await startServer({ ...fixtureEnv(database, REDIS_DATABASE), REDIS_URL: 'redis://127.0.0.1:1' });
    const exited = finished(server.child);
    try {
      const ready = await http(server.baseUrl, 'GET', '/health/ready');
      assert.equal(ready.status, 200, 'a cache outage must not take every pod out of service');
      assert.equal(ready.body.details.redis.status, 'down');
      assert.equal(ready.body.details.database.status, 'up');
      assert.deepEqual(ready.body.degraded, ['redis']);
      const report = await http(server.baseUrl, 'GET', '/health/degraded');
      assert.equal(report.status, 200);
      assert.equal(report.body.status, 'degraded');
      assert.deepEqual(report.body.degraded, ['redis']);
      assert.equal(report.body.details.database_replica.status, 'up');
      const metrics = await http(server.baseUrl, 'GET', '/metrics');
      assert.match(metrics.text, /^dependency_up\{dependency="redis"\} 0$/m);
      assert.match(metrics.text, /^dependency_up\{dependency="replica"\} 1$/m);
      const started = Date.now();
      const created = await http(server.baseUrl, 'POST', '/widgets', { name: 'no-redis' });
      assert.equal(created.status, 201);
      const read = await http(server.baseUrl, 'GET', `/widgets/${created.body.id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.name, 'no-redis');
      assert.ok(Date.now() - started < 5_000, 'cache calls fail fast instead of hanging');
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal((await exited).code, 0);
  });
});
