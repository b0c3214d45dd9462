import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { http } from '../support/http';
import { assertProblem } from '../support/problem';
import { eventually } from '../support/services';

const REDIS_DATABASE = 1;
const STRONG_TAG = /^"[\w-]+"$/;

/** ETag, If-None-Match and If-Match on the single-row routes (real Postgres and Redis). */
describe('conditional requests', () => {
  let fixture: FixtureApp;
  let sql: Client;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    http(fixture.baseUrl, method, path, body, headers);

  before(async () => {
    fixture = await startFixtureApp(REDIS_DATABASE);
    sql = new Client({ connectionString: fixture.database.url });
    await sql.connect();
  });

  after(async () => {
    await sql?.end();
    await fixture?.close();
  });

  async function createWidget(name: string) {
    const created = await call('POST', '/widgets', { name });
    assert.equal(created.status, 201, created.text);
    return created;
  }

  async function widgetRow(id: string) {
    return (await sql.query('SELECT name, note, version FROM widgets WHERE id = $1', [id])).rows[0];
  }

  test('POST, GET, PATCH and PUT answer with a strong ETag of the row they return', async () => {
    const created = await createWidget('tagged');
    const tag = created.headers.get('etag');
    assert.match(tag ?? '', STRONG_TAG);
    const read = await call('GET', `/widgets/${created.body.id}`);
    assert.equal(read.headers.get('etag'), tag, 'a GET of the same row has the same tag');
    const patched = await call('PATCH', `/widgets/${created.body.id}`, { note: 'changed' });
    assert.match(patched.headers.get('etag') ?? '', STRONG_TAG);
    assert.notEqual(patched.headers.get('etag'), tag, 'a changed row has a new tag');
    assert.equal((await call('GET', `/widgets/${created.body.id}`)).headers.get('etag'), patched.headers.get('etag'));
    const replaced = await call('PUT', `/widgets/${created.body.id}`, { name: 'tagged' });
    assert.equal((await call('GET', `/widgets/${created.body.id}`)).headers.get('etag'), replaced.headers.get('etag'));
  });

  test('If-None-Match with the current tag: 304 without a body; with another: 200', async () => {
    const { body, headers } = await createWidget('not-modified');
    const tag = headers.get('etag')!;
    const notModified = await call('GET', `/widgets/${body.id}`, undefined, { 'if-none-match': tag });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.text, '');
    assert.equal(notModified.headers.get('etag'), tag);
    const weakToo = await call('GET', `/widgets/${body.id}`, undefined, { 'if-none-match': `"other", W/${tag}` });
    assert.equal(weakToo.status, 304, 'If-None-Match compares weakly');
    const stale = await call('GET', `/widgets/${body.id}`, undefined, { 'if-none-match': '"stale"' });
    assert.equal(stale.status, 200);
    assert.equal(stale.body.name, 'not-modified');
  });

  test('a 304 is served for an answer from the Redis cache', async () => {
    const { body } = await createWidget('cached-304');
    const first = await call('GET', `/widgets/${body.id}`);
    assert.equal(first.headers.get('x-cache'), 'MISS');
    // Behind the API's back, so only the cached answer still has the old tag.
    await sql.query("UPDATE widgets SET note = 'changed in SQL' WHERE id = $1", [body.id]);
    const cached = await call('GET', `/widgets/${body.id}`, undefined, { 'if-none-match': first.headers.get('etag')! });
    assert.equal(cached.status, 304);
    assert.equal(cached.headers.get('x-cache'), 'HIT');
  });

  test('a list page has a strong ETag of its content; If-None-Match gets 304, also from the cache', async () => {
    await createWidget('listed-1');
    await createWidget('listed-2');
    const path = '/widgets?filter[name][startsWith]=listed-&sort=name';
    const first = await call('GET', path);
    assert.equal(first.headers.get('x-cache'), 'MISS');
    const tag = first.headers.get('etag')!;
    assert.match(tag, STRONG_TAG);
    const fresh = await call('GET', path, undefined, { 'if-none-match': tag });
    assert.deepEqual([fresh.status, fresh.text, fresh.headers.get('etag')], [304, '', tag]);
    // The page is stored in Redis after it is sent.
    assert.ok(await eventually(async () => (await call('GET', path)).headers.get('x-cache') === 'HIT'));
    // Behind the API's back, so only the cached page still has the old content and tag.
    await sql.query("UPDATE widgets SET note = 'changed in SQL' WHERE name = 'listed-1'");
    const cached = await call('GET', path);
    assert.deepEqual([cached.status, cached.headers.get('x-cache'), cached.headers.get('etag')], [200, 'HIT', tag]);
    const cachedNotModified = await call('GET', path, undefined, { 'if-none-match': tag });
    assert.deepEqual([cachedNotModified.status, cachedNotModified.headers.get('x-cache')], [304, 'HIT']);
    // A write through the API moves the list version: the page, and so its tag, is read anew.
    await call('POST', '/widgets', { name: 'listed-3' });
    const changed = await call('GET', path, undefined, { 'if-none-match': tag });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.data.length, 3);
    assert.match(changed.headers.get('etag') ?? '', STRONG_TAG);
    assert.notEqual(changed.headers.get('etag'), tag);
    const otherPage = await call('GET', '/widgets?filter[name][startsWith]=listed-&sort=-name');
    assert.notEqual(otherPage.headers.get('etag'), changed.headers.get('etag'), 'another page, another tag');
  });

  test('PATCH, PUT and DELETE with a stale If-Match: 412 and no row changed', async () => {
    const { body, headers } = await createWidget('precondition');
    const staleTag = headers.get('etag')!;
    assert.equal((await call('PATCH', `/widgets/${body.id}`, { note: 'moved on' })).status, 200);
    const before = await widgetRow(body.id);
    for (const [method, input] of [
      ['PATCH', { note: 'lost update' }],
      ['PUT', { name: 'lost update' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await call(method, `/widgets/${body.id}`, input, { 'if-match': staleTag });
      const problem = assertProblem(response, 412, `${method}: ${response.text}`);
      assert.match(problem.detail, /has changed since the ETag you sent/);
      assert.deepEqual(await widgetRow(body.id), before, `${method} changed no row`);
    }
    const weak = await call('PATCH', `/widgets/${body.id}`, { note: 'x' }, { 'if-match': `W/${staleTag}` });
    assert.equal(weak.status, 412, 'If-Match compares strongly: a weak tag never matches');
  });

  test('If-Match with the current tag, or *, lets the write through', async () => {
    const { body } = await createWidget('matching');
    const current = (await call('GET', `/widgets/${body.id}`)).headers.get('etag')!;
    const patched = await call('PATCH', `/widgets/${body.id}`, { note: 'one' }, { 'if-match': `"other", ${current}` });
    assert.equal(patched.status, 200, patched.text);
    const any = await call('PUT', `/widgets/${body.id}`, { name: 'matching', note: 'two' }, { 'if-match': '*' });
    assert.equal(any.status, 200, any.text);
    assert.equal((await widgetRow(body.id)).note, 'two');
    const removed = await call('DELETE', `/widgets/${body.id}`, undefined, { 'if-match': any.headers.get('etag')! });
    assert.equal(removed.status, 204);
  });

  test('two writes sent with the same If-Match: exactly one wins', async () => {
    const { body, headers } = await createWidget('race');
    const tag = headers.get('etag')!;
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((note) => call('PATCH', `/widgets/${body.id}`, { note }, { 'if-match': tag })),
    );
    assert.deepEqual(results.map((result) => result.status).sort(), [200, 412, 412, 412]);
    assert.equal((await widgetRow(body.id)).version, 2);
  });

  test('an entity without a version column is tagged from its content too, and If-Match holds for it', async () => {
    const owner = await createWidget('part-owner');
    const part = await call('POST', '/parts', { name: 'bolt', widgetId: owner.body.id });
    const tag = part.headers.get('etag')!;
    assert.match(tag, STRONG_TAG);
    assert.equal((await call('GET', `/parts/${part.body.id}`, undefined, { 'if-none-match': tag })).status, 304);
    assert.equal((await call('PATCH', `/parts/${part.body.id}`, { name: 'nut' }, { 'if-match': tag })).status, 200);
    const stale = await call('PATCH', `/parts/${part.body.id}`, { name: 'screw' }, { 'if-match': tag });
    assertProblem(stale, 412);
    const { rows } = await sql.query('SELECT name FROM parts WHERE id = $1', [part.body.id]);
    assert.equal(rows[0].name, 'nut');
  });

  test('the body version keeps working next to If-Match', async () => {
    const { body } = await createWidget('versioned-body');
    const stale = await call('PATCH', `/widgets/${body.id}`, { note: 'x', version: 7 });
    assert.equal(assertProblem(stale, 409).type, 'https://apso.dev/problems/stale-version');
  });

  test('the OpenAPI document names ETag, If-None-Match, If-Match, 304 and 412', async () => {
    const paths = (await call('GET', '/openapi.json')).body.paths;
    const headerNames = (operation: { parameters: { in: string; name: string }[] }) =>
      operation.parameters.filter((p) => p.in === 'header').map((p) => p.name);
    const item = paths['/widgets/{id}'];
    assert.deepEqual(headerNames(item.get), ['If-None-Match']);
    assert.ok(item.get.responses['200'].headers.ETag);
    assert.ok(item.get.responses['304']);
    assert.ok(item.get.responses['200'].content['application/json'], 'the row schema is kept');
    for (const method of ['patch', 'put', 'delete']) {
      assert.deepEqual(headerNames(item[method]), ['If-Match'], method);
      assert.ok(item[method].responses['412'], method);
    }
    assert.ok(item.patch.responses['200'].headers.ETag);
    assert.ok(paths['/widgets'].post.responses['201'].headers.ETag);
    assert.deepEqual(headerNames(paths['/widgets'].get), ['If-None-Match']);
    assert.ok(paths['/widgets'].get.responses['200'].headers.ETag);
    assert.ok(paths['/widgets'].get.responses['200'].content['application/json'], 'the page schema is kept');
    assert.ok(paths['/widgets'].get.responses['304']);
  });
});
