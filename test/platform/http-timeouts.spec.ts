import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { rawExchange, statusOf } from '../support/raw-http';

const REDIS_DATABASE = 14;
const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1_000;
/** The timeouts plus Node's check interval (at most 1 s) and slack for a busy machine. */
const CLOSED_WITHIN_MS = REQUEST_TIMEOUT_MS + 2_500;

const HEAD = 'POST /widgets HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n';

describe('HTTP timeouts: a stalled client cannot hold a connection', () => {
  let fixture: FixtureApp;

  before(async () => {
    fixture = await startFixtureApp(REDIS_DATABASE, {
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      // Longer than the others, so that what is seen here is the 408 of the header and request timeouts.
      HTTP_CONNECTION_TIMEOUT_MS: '10000',
    });
  });

  after(async () => {
    await fixture?.close();
  });

  /** A 408 written straight to the socket is a problem too; there is no request id to be its instance. */
  function assertTimeoutProblem(received: string): void {
    assert.equal(statusOf(received), 408, received);
    const [head, body] = received.split('\r\n\r\n');
    assert.match(head, /^content-type: application\/problem\+json/im, received);
    assert.deepEqual(JSON.parse(body), {
      type: 'about:blank',
      title: 'Request Timeout',
      status: 408,
      detail: 'The request did not arrive in time',
      statusCode: 408,
      error: 'Request Timeout',
      message: 'The request did not arrive in time',
    });
  }

  test('a body that never finishes gets 408 and its connection is closed', async () => {
    const body = '{"name":"never-finished"}';
    const exchange = await rawExchange(
      fixture.baseUrl,
      [`${HEAD}Content-Length: ${body.length + 100}\r\n\r\n${body}`],
      CLOSED_WITHIN_MS,
    );
    assert.ok(exchange.closedByServer, `still open after ${CLOSED_WITHIN_MS} ms`);
    assert.ok(exchange.elapsedMs >= REQUEST_TIMEOUT_MS - 50, `closed after only ${exchange.elapsedMs} ms`);
    assertTimeoutProblem(exchange.received);
  });

  test('headers that never end get 408 and the connection is closed', async () => {
    const exchange = await rawExchange(
      fixture.baseUrl,
      ['GET /widgets HTTP/1.1\r\nHost: localhost\r\n'],
      CLOSED_WITHIN_MS,
    );
    assert.ok(exchange.closedByServer, `still open after ${CLOSED_WITHIN_MS} ms`);
    assert.ok(exchange.elapsedMs >= HEADERS_TIMEOUT_MS - 50, `closed after only ${exchange.elapsedMs} ms`);
    assertTimeoutProblem(exchange.received);
  });

  test('a slow request that completes within the timeout is served', async () => {
    const body = '{"name":"slow-but-complete"}';
    const exchange = await rawExchange(
      fixture.baseUrl,
      [`${HEAD}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`, body.slice(0, 10), body.slice(10)],
      CLOSED_WITHIN_MS,
      REQUEST_TIMEOUT_MS / 4,
    );
    assert.equal(statusOf(exchange.received), 201, exchange.received);
  });
});
