import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { http } from '../support/http';
import { assertProblem } from '../support/problem';

const REDIS_DATABASE = 2;

/**
 * Every source of error answers in one shape, RFC 9457 problem details as application/problem+json:
 * Nest's validation, the id pipes, the services' 404s and 409s, Fastify's own parsing and routing,
 * and the body guard's hooks. The 413, 500 and 503 are in crud.spec.ts and database-unavailable.spec.ts,
 * 414 and 417 in hostile-input.e2e.spec.ts.
 */
describe('errors as problem details (real Postgres and Redis)', () => {
  let fixture: FixtureApp;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    http(fixture.baseUrl, method, path, body, headers);

  before(async () => {
    fixture = await startFixtureApp(REDIS_DATABASE);
  });

  after(async () => {
    await fixture?.close();
  });

  test('validation: a validation problem listing every field; a missing required one says it is required', async () => {
    const body = assertProblem(await call('POST', '/widgets', { weight: 'heavy', color: 'red' }), 400);
    assert.equal(body.type, 'https://apso.dev/problems/validation');
    assert.equal(body.title, 'The request has invalid fields');
    const fields = Object.fromEntries(body.fields.map((f: { field: string; errors: string[] }) => [f.field, f.errors]));
    assert.deepEqual(Object.keys(fields).sort(), ['color', 'name', 'weight']);
    assert.deepEqual(fields.name, ['name is required']);
    assert.match(body.detail, /color/);
  });

  test('a malformed id from the id pipe: the same validation problem naming id', async () => {
    const body = assertProblem(await call('GET', '/widgets/not-a-uuid'), 400);
    assert.equal(body.type, 'https://apso.dev/problems/validation');
    assert.deepEqual(body.fields, [{ field: 'id', errors: ['id must be a UUID'] }]);
  });

  test('an unknown id: 404 about:blank naming the entity and id', async () => {
    const id = randomUUID();
    const body = assertProblem(await call('GET', `/widgets/${id}`), 404);
    assert.equal(body.type, 'about:blank');
    assert.equal(body.detail, `Widget ${id} not found`);
  });

  test('an unknown route: 404 that does not echo the method or path, with no Allow header', async () => {
    for (const [method, path] of [
      ['GET', '/nothing-here/%3Cscript%3Ealert(1)%3C%2Fscript%3E?echo=me'],
      ['DELETE', '/widgets-and-more'],
    ]) {
      const response = await call(method, path);
      const body = assertProblem(response, 404);
      assert.equal(body.type, 'about:blank');
      assert.equal(body.detail, 'No resource is served at this path');
      assert.doesNotMatch(response.text, /nothing-here|script|echo|widgets-and-more|GET|DELETE/, response.text);
      assert.equal(response.headers.get('allow'), null);
    }
  });

  test('a known path with a method it does not serve: 405 with Allow listing its methods', async () => {
    const collection = await call('PATCH', '/widgets', { name: 'x' });
    assertProblem(collection, 405);
    assert.equal(collection.headers.get('allow'), 'GET, HEAD, POST');
    const item = await call('POST', `/widgets/${randomUUID()}`, { name: 'x' });
    const body = assertProblem(item, 405);
    assert.equal(item.headers.get('allow'), 'DELETE, GET, HEAD, PATCH, PUT');
    assert.match(body.detail, /POST is not allowed/);
  });

  test('malformed JSON: 400 from the body parser, as a problem', async () => {
    const body = assertProblem(await call('POST', '/widgets', '{"name": '), 400);
    assert.equal(body.type, 'about:blank');
  });

  test('a body that is not JSON: 415 from the body guard, as a problem', async () => {
    const response = await call('POST', '/widgets', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    const body = assertProblem(response, 415);
    assert.equal(body.detail, 'Content-Type must be application/json');
  });

  test('a value no column can store: 400 from the body guard hook, a validation problem', async () => {
    const body = assertProblem(await call('POST', '/widgets', { name: 'a\u0000b' }), 400);
    assert.equal(body.type, 'https://apso.dev/problems/validation');
    assert.deepEqual(body.fields[0].field, 'name');
  });

  test('a unique value taken: 409 already-exists naming the field', async () => {
    assert.equal((await call('POST', '/widgets', { name: 'unique-problem' })).status, 201);
    const body = assertProblem(await call('POST', '/widgets', { name: 'unique-problem' }), 409);
    assert.equal(body.type, 'https://apso.dev/problems/already-exists');
    assert.deepEqual(body.fields, [{ field: 'name', errors: ['must be unique'] }]);
  });

  test('a stale body version: 409 stale-version', async () => {
    const created = (await call('POST', '/widgets', { name: 'stale-problem' })).body;
    assert.equal((await call('PATCH', `/widgets/${created.id}`, { note: 'a', version: 1 })).status, 200);
    const body = assertProblem(await call('PATCH', `/widgets/${created.id}`, { note: 'b', version: 1 }), 409);
    assert.equal(body.type, 'https://apso.dev/problems/stale-version');
  });

  test('a missing reference: 409 missing-reference naming the field', async () => {
    const body = assertProblem(await call('POST', '/parts', { name: 'bolt', widgetId: randomUUID() }), 409);
    assert.equal(body.type, 'https://apso.dev/problems/missing-reference');
    assert.deepEqual(body.fields, [{ field: 'widgetId', errors: ['refers to a missing Widget'] }]);
  });

  test('the OpenAPI document describes every error response as the Problem schema in application/problem+json (but the readiness report)', async () => {
    const document = (await call('GET', '/openapi.json')).body;
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    assert.deepEqual(document.components.schemas.Problem.required, [
      'type',
      'title',
      'status',
      'detail',
      'statusCode',
      'error',
      'message',
    ]);
    const item = document.paths['/widgets/{id}'];
    assert.deepEqual(Object.keys(item.patch.responses).sort(), ['200', '400', '404', '409', '412', '503', 'default']);
    for (const [path, operations] of Object.entries<Record<string, { responses: Record<string, any> }>>(
      document.paths,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          // Readiness probes read Terminus's report, which is what that 503 answers and documents.
          if (path === '/health/ready' && status === '503')
            assert.deepEqual(Object.keys(response.content), ['application/json'], 'the report');
          else if (status === 'default' || Number(status) >= 400)
            assert.deepEqual(response.content, problem, `${method} ${path} ${status}`);
        }
      }
    }
  });
});
