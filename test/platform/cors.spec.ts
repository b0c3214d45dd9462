import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { http, type HttpResult } from '../support/http';
import { assertProblem } from '../support/problem';

const REDIS_DATABASE = 2;
const LISTED = 'https://app.example.com';
const ALSO_LISTED = 'http://localhost:5173';
const UNLISTED = 'https://evil.example.net';
const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const REQUEST_HEADERS = 'Content-Type, If-Match, If-None-Match, X-Request-Id';
const EXPOSED = 'ETag, X-Request-Id, Location, Retry-After, Allow';

/** The CORS headers of an answer, by lower-case name. */
function corsHeaders(answer: HttpResult): Record<string, string> {
  return Object.fromEntries([...answer.headers].filter(([name]) => name.startsWith('access-control-')));
}

function varies(answer: HttpResult, header: string): boolean {
  return (answer.headers.get('vary') ?? '')
    .toLowerCase()
    .split(/\s*,\s*/)
    .includes(header.toLowerCase());
}

/** CORS_ORIGINS, CORS_CREDENTIALS and CORS_MAX_AGE against the real app (real Postgres and Redis). */
describe('CORS configured from the environment', { timeout: 120_000 }, () => {
  let listed: FixtureApp;
  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    http(listed.baseUrl, method, path, body, headers);
  const preflight = (path: string, origin: string, method: string, headers?: string) =>
    call('OPTIONS', path, {
      origin,
      'access-control-request-method': method,
      ...(headers === undefined ? {} : { 'access-control-request-headers': headers }),
    });

  before(async () => {
    listed = await startFixtureApp(REDIS_DATABASE, {
      CORS_ORIGINS: `${LISTED}, ${ALSO_LISTED}`,
      CORS_CREDENTIALS: 'true',
      CORS_MAX_AGE: '300',
    });
  });

  after(async () => {
    await listed?.close();
  });

  test('a listed origin: its own origin allowed, credentials, the readable headers, Vary: Origin', async () => {
    for (const origin of [LISTED, ALSO_LISTED]) {
      const answer = await call('GET', '/widgets', { origin });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(corsHeaders(answer), {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': EXPOSED,
      });
      assert.ok(varies(answer, 'origin'), 'Vary: Origin');
    }
  });

  test('a preflight from a listed origin: 204 with the methods and request headers the API reads', async () => {
    const answer = await preflight(`/widgets/${randomUUID()}`, LISTED, 'PATCH', 'content-type,if-match');
    assert.equal(answer.status, 204, answer.text);
    assert.equal(answer.text, '');
    assert.deepEqual(corsHeaders(answer), {
      'access-control-allow-origin': LISTED,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': EXPOSED,
      'access-control-allow-methods': METHODS,
      'access-control-allow-headers': REQUEST_HEADERS,
      'access-control-max-age': '300',
    });
    assert.ok(varies(answer, 'origin'), 'Vary: Origin');
    assert.ok(answer.headers.get('x-request-id'), 'a preflight has a request id like any answer');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
  });

  test('an origin not listed gets no CORS header at all, and its preflight is answered as any OPTIONS', async () => {
    const read = await call('GET', '/widgets', { origin: UNLISTED });
    assert.equal(read.status, 200);
    assert.deepEqual(corsHeaders(read), {});
    assert.ok(varies(read, 'origin'), 'Vary: Origin, since another origin gets another answer');
    const refused = await preflight('/widgets', UNLISTED, 'POST', 'content-type');
    assertProblem(refused, 405);
    assert.equal(refused.headers.get('allow'), 'GET, HEAD, POST');
    assert.deepEqual(corsHeaders(refused), {});
    const lookalike = await call('GET', '/widgets', { origin: `${LISTED}.evil.example.net` });
    assert.deepEqual(corsHeaders(lookalike), {}, 'origins are compared exactly');
    const noOrigin = await call('GET', '/widgets');
    assert.deepEqual(corsHeaders(noOrigin), {}, 'a request without Origin is not a CORS request');
  });

  test('errors carry the CORS headers too, so a page can read the problem', async () => {
    const answers = [
      [await call('GET', `/widgets/${randomUUID()}`, { origin: LISTED }), 404],
      [await call('GET', '/widgets?limit=0', { origin: LISTED }), 400],
      [await call('GET', `/widgets?${'filter[or][0]'.repeat(20)}=x`, { origin: LISTED }), 400],
      [await call('POST', '/widgets', { origin: LISTED }, { name: 7 }), 400],
      [await call('GET', '/nowhere', { origin: LISTED }), 404],
      [await call('PATCH', '/widgets', { origin: LISTED }, { name: 'x' }), 405],
    ] as const;
    for (const [answer, status] of answers) {
      assertProblem(answer, status);
      assert.equal(answer.headers.get('access-control-allow-origin'), LISTED, answer.text);
      assert.equal(answer.headers.get('access-control-expose-headers'), EXPOSED);
    }
  });

  test('405 and Allow stay as without CORS: an OPTIONS that is no preflight, an unknown path is still 404', async () => {
    const options = await call('OPTIONS', '/widgets', { origin: LISTED });
    assertProblem(options, 405);
    assert.equal(options.headers.get('allow'), 'GET, HEAD, POST');
    assert.equal(options.headers.get('access-control-allow-origin'), LISTED);
    assert.equal(options.headers.get('access-control-allow-methods'), null, 'not answered as a preflight');
    const plainOptions = await call('OPTIONS', `/widgets/${randomUUID()}`);
    assertProblem(plainOptions, 405);
    assert.equal(plainOptions.headers.get('allow'), 'DELETE, GET, HEAD, PATCH, PUT');
    for (const method of ['GET', 'OPTIONS']) {
      const unknown = await call(method, '/nowhere');
      assertProblem(unknown, 404, `${method} /nowhere`);
      assert.equal(unknown.headers.get('allow'), null, `${method} /nowhere`);
    }
  });
});

describe('CORS_ORIGINS=*', { timeout: 60_000 }, () => {
  let open: FixtureApp;

  before(async () => {
    open = await startFixtureApp(REDIS_DATABASE, { CORS_ORIGINS: '*' });
  });

  after(async () => {
    await open?.close();
  });

  test('any origin may read, without credentials; preflights are answered', async () => {
    const read = await http(open.baseUrl, 'GET', '/widgets', undefined, { origin: UNLISTED });
    assert.deepEqual(corsHeaders(read), {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': EXPOSED,
    });
    const answer = await http(open.baseUrl, 'OPTIONS', '/widgets', undefined, {
      origin: UNLISTED,
      'access-control-request-method': 'POST',
    });
    assert.equal(answer.status, 204);
    assert.equal(answer.headers.get('access-control-allow-origin'), '*');
    assert.equal(answer.headers.get('access-control-allow-methods'), METHODS);
    assert.equal(answer.headers.get('access-control-max-age'), '600', 'the default max age');
    assert.equal(answer.headers.get('access-control-allow-credentials'), null);
  });
});
