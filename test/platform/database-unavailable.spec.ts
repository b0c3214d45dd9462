import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { http, HttpResult } from '../support/http';
import { assertProblem } from '../support/problem';
import { PostgresServer, startPostgresServer } from '../support/postgres-server';
import { eventually } from '../support/services';

const REDIS_DATABASE = 15;

function assertUnavailable(response: HttpResult, what: string): void {
  const { instance: _, ...body } = assertProblem(response, 503, `${what}: ${response.text}`);
  assert.equal(response.headers.get('retry-after'), '5', what);
  assert.deepEqual(
    body,
    {
      type: 'https://apso.dev/problems/database-unavailable',
      title: 'The database is temporarily unavailable',
      status: 503,
      detail: 'The database is temporarily unavailable; retry later',
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The database is temporarily unavailable; retry later',
    },
    what,
  );
}

/**
 * The app's primary is a PostgreSQL server the test starts, stops (fast shutdown: open connections
 * terminated, new ones refused, as in a crash or a failover) and starts again.
 */
describe('the primary database down and back', () => {
  let fixture: FixtureApp;
  let postgres: PostgresServer;
  const call = (method: string, path: string, body?: unknown) => http(fixture.baseUrl, method, path, body);

  before(async () => {
    postgres = await startPostgresServer();
    fixture = await startFixtureApp(REDIS_DATABASE, { DATABASE_URL: postgres.url(), DB_CONNECT_TIMEOUT_MS: '1000' });
  });

  after(async () => {
    await fixture?.close();
    postgres?.destroy();
  });

  test('writes answer 503 with Retry-After while it is down, and succeed once it is back', async () => {
    const created = await call('POST', '/widgets', { name: 'before-outage' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;

    postgres.stop();
    assertUnavailable(await call('POST', '/widgets', { name: 'during-outage' }), 'POST');
    assertUnavailable(await call('PATCH', `/widgets/${id}`, { note: 'during outage' }), 'PATCH');
    assertUnavailable(await call('DELETE', `/widgets/${id}`), 'DELETE');

    postgres.start();
    const recovered = await eventually(
      async () => (await call('POST', '/widgets', { name: 'after-outage' })).status === 201,
      10_000,
    );
    assert.ok(recovered, 'writes succeed again without a restart');
    const patched = await call('PATCH', `/widgets/${id}`, { note: 'after outage' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((await call('DELETE', `/widgets/${id}`)).status, 204);
  });
});
