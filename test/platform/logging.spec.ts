import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { createLogger } from '../../src/platform/logging/logger';
import { PinoNestLogger } from '../../src/platform/logging/nest-logger';
import { requestIdOf } from '../../src/platform/logging/request-id';

/** A logger writing into an array of parsed JSON lines. */
function capture() {
  const lines: Record<string, any>[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

function requestWith(headers: Record<string, string>): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.headers = headers;
  return request;
}

describe('logging', () => {
  test('redacts credentials and password, secret and token keys', () => {
    const { logger, lines } = capture();
    logger.info({
      req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'json' } },
      password: 'p1',
      user: { secret: 's1', name: 'ann' },
      body: { nested: { token: 't1' } },
    });
    const [line] = lines;
    assert.equal(line.req.headers.authorization, '[REDACTED]');
    assert.equal(line.req.headers.cookie, '[REDACTED]');
    assert.equal(line.req.headers.accept, 'json');
    assert.equal(line.password, '[REDACTED]');
    assert.deepEqual(line.user, { secret: '[REDACTED]', name: 'ann' });
    assert.equal(line.body.nested.token, '[REDACTED]');
  });

  test("logs a failed query's SQL and stack but not its bound parameters", () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('boom'), {
      query: 'SELECT 1 WHERE a = $1',
      parameters: ['s3cret'],
      driverError: { code: '42P01', detail: 'x' },
    });
    logger.error({ err: error }, 'failed');
    const { err } = lines[0];
    assert.equal(err.query, 'SELECT 1 WHERE a = $1');
    assert.equal(err.code, '42P01');
    assert.match(err.stack, /Error: boom/);
    assert.equal(JSON.stringify(lines[0]).includes('s3cret'), false);
  });

  test("Nest's messages become JSON lines with their context", () => {
    const { logger, lines } = capture();
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/widgets, GET} route', 'RouterExplorer');
    nest.error('failed to start', 'Error: x\n    at y', 'NestApplication');
    nest.warn({ detail: 1 }, 'Ctx');
    assert.deepEqual(
      lines.map(({ level, msg, context }) => ({ level, msg, context })),
      [
        { level: 30, msg: 'Mapped {/widgets, GET} route', context: 'RouterExplorer' },
        { level: 50, msg: 'failed to start', context: 'NestApplication' },
        { level: 40, msg: undefined, context: 'Ctx' },
      ],
    );
    assert.equal(lines[1].stack, 'Error: x\n    at y');
    assert.equal(lines[2].detail, 1);
  });

  test('request ids: a well-formed X-Request-Id is kept, anything else replaced by a UUID', () => {
    assert.equal(requestIdOf(requestWith({ 'x-request-id': 'abc-123_X.y' })), 'abc-123_X.y');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const bad of ['', 'has space', 'x'.repeat(129), 'semi;colon', 'new\nline']) {
      assert.match(requestIdOf(requestWith({ 'x-request-id': bad })), uuid, JSON.stringify(bad));
    }
    assert.match(requestIdOf(requestWith({})), uuid);
  });
});
