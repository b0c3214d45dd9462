import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { armExplodingWidget, EXPLODING_WIDGET, EXPLOSION, FixtureApp, startFixtureApp } from './support/fixture-app';
import { http } from '../support/http';
import { assertProblem } from '../support/problem';
import { answerToAnnouncedBody } from '../support/raw-http';

const REDIS_DATABASE = 5;

describe('CRUD over HTTP (real Postgres and Redis)', () => {
  let fixture: FixtureApp;
  let sql: Client;
  const call = <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    http<T>(fixture.baseUrl, method, path, body, headers);

  before(async () => {
    fixture = await startFixtureApp(REDIS_DATABASE);
    await armExplodingWidget(fixture.database.url);
    sql = new Client({ connectionString: fixture.database.url });
    await sql.connect();
  });

  after(async () => {
    await sql?.end();
    await fixture?.close();
  });

  async function createWidget(body: Record<string, unknown>) {
    const created = await call('POST', '/widgets', body);
    assert.equal(created.status, 201, created.text);
    return created.body;
  }

  async function insertLabel(name: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>('INSERT INTO labels (name) VALUES ($1) RETURNING id', [name]);
    return rows[0].id;
  }

  async function labelIdsOf(widgetId: string): Promise<string[]> {
    const { rows } = await sql.query<{ label_id: string }>(
      'SELECT label_id FROM widget_labels WHERE widget_id = $1 ORDER BY label_id',
      [widgetId],
    );
    return rows.map((row) => row.label_id);
  }

  test('POST creates a row and returns it as a later GET does', async () => {
    const created = await createWidget({ name: 'create-1', note: 'first' });
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.name, 'create-1');
    assert.equal(created.note, 'first');
    assert.equal(created.weight, null);
    assert.equal(created.version, 1);
    const fetched = await call('GET', `/widgets/${created.id}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, created);
  });

  test('PATCH changes only the given properties; PUT nulls the nullable ones left out', async () => {
    const created = await createWidget({ name: 'patch-put', note: 'keep me', weight: '5' });

    const patched = await call('PATCH', `/widgets/${created.id}`, { weight: '7' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.name, 'patch-put');
    assert.equal(patched.body.note, 'keep me');
    assert.equal(patched.body.weight, '7');
    assert.equal(patched.body.version, 2);
    assert.deepEqual((await call('GET', `/widgets/${created.id}`)).body, patched.body);

    const replaced = await call('PUT', `/widgets/${created.id}`, { name: 'patch-put-2' });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.name, 'patch-put-2');
    assert.equal(replaced.body.note, null);
    assert.equal(replaced.body.weight, null);
    assert.equal(replaced.body.version, 3);
    assert.deepEqual((await call('GET', `/widgets/${created.id}`)).body, replaced.body);
  });

  test('relation ids: POST sets them, PATCH replaces them, PUT without them clears them', async () => {
    const [red, green, blue] = [await insertLabel('red'), await insertLabel('green'), await insertLabel('blue')];
    const created = await createWidget({ name: 'labelled', labelIds: [red, green] });
    assert.deepEqual(await labelIdsOf(created.id), [red, green].sort());

    const patched = await call('PATCH', `/widgets/${created.id}`, { labelIds: [blue] });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(await labelIdsOf(created.id), [blue]);

    await call('PATCH', `/widgets/${created.id}`, { note: 'labels untouched' });
    assert.deepEqual(await labelIdsOf(created.id), [blue]);

    const replaced = await call('PUT', `/widgets/${created.id}`, { name: 'labelled' });
    assert.equal(replaced.status, 200, replaced.text);
    assert.deepEqual(await labelIdsOf(created.id), []);
  });

  test('lists pages in a total order, sorted as asked', async () => {
    for (const name of ['list-c', 'list-a', 'list-b']) await createWidget({ name });
    const all = await call('GET', '/widgets?limit=100');
    assert.equal(all.status, 200);
    assert.equal(all.body.limit, 100);
    assert.equal(all.body.offset, 0);
    const ids = all.body.data.map((w: { id: string }) => w.id);
    assert.deepEqual(ids, [...ids].sort(), 'default order is by id');

    const byName = await call('GET', '/widgets?sort=-name&limit=2&offset=1');
    assert.equal(byName.status, 200, byName.text);
    const names = all.body.data
      .map((w: { name: string }) => w.name)
      .sort()
      .reverse();
    assert.deepEqual(
      byName.body.data.map((w: { name: string }) => w.name),
      names.slice(1, 3),
    );
    assert.deepEqual([byName.body.limit, byName.body.offset], [2, 1]);
  });

  test('400 lists the failing query parameters', async () => {
    const response = await call('GET', '/widgets?limit=500&sort=secret');
    assert.equal(response.status, 400);
    assert.deepEqual(response.body.fields.map((f: { field: string }) => f.field).sort(), ['limit', 'sort']);
  });

  test('400 lists every failing field of a bad body, including unknown properties', async () => {
    const response = await call('POST', '/widgets', { name: 'x'.repeat(101), weight: 'heavy', color: 'red' });
    assert.equal(response.status, 400);
    assert.equal(response.body.statusCode, 400);
    assert.deepEqual(response.body.fields.map((f: { field: string }) => f.field).sort(), ['color', 'name', 'weight']);
    const color = response.body.fields.find((f: { field: string }) => f.field === 'color');
    assert.deepEqual(color.errors, ['property color should not exist']);
    assert.match(response.body.message, /color/);
  });

  test('400 for malformed JSON and for a malformed id', async () => {
    const malformed = await call('POST', '/widgets', '{"name": ');
    assert.equal(malformed.status, 400);
    assert.equal((await call('GET', '/widgets/not-a-uuid')).status, 400);
  });

  test('413 for a body over HTTP_BODY_LIMIT_BYTES', async () => {
    const response = await answerToAnnouncedBody(fixture.baseUrl, '/widgets', 1_100_000);
    assert.equal(response.status, 413);
    assert.match(response.contentType ?? '', /^application\/problem\+json/);
    const { instance, ...body } = response.body as Record<string, unknown>;
    assert.match(String(instance), /^[\w.-]+$/, 'the request id');
    assert.deepEqual(body, {
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      detail: 'Request body is too large',
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Request body is too large',
    });
  });

  test('400 naming nothing internal when the database rejects a value', async () => {
    // Nineteen digits pass the bigint field's validator; only the database knows 2^63 is out of range.
    const response = await call('POST', '/widgets', { name: 'too-heavy', weight: '9223372036854775808' });
    const { instance: _, ...body } = assertProblem(response, 400);
    assert.deepEqual(body, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'A value has an invalid format or is out of range',
      statusCode: 400,
      error: 'Bad Request',
      message: 'A value has an invalid format or is out of range',
    });
  });

  test('404 names the entity, as 409s do, and the id, for reads and writes', async () => {
    const id = randomUUID();
    const read = await call('GET', `/widgets/${id}`);
    assert.equal(read.status, 404);
    assert.equal(read.body.message, `Widget ${id} not found`);
    for (const [method, body] of [
      ['PATCH', { note: 'x' }],
      ['PUT', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const write = await call(method, `/widgets/${id}`, body);
      assert.equal(write.status, 404, method);
      assert.equal(write.body.message, `Widget ${id} not found`, method);
    }
  });

  test('409 on a duplicate names the field, for create and update', async () => {
    await createWidget({ name: 'unique-name' });
    const duplicate = await call('POST', '/widgets', { name: 'unique-name' });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.message, 'Widget with this name already exists');
    assert.deepEqual(duplicate.body.fields, [{ field: 'name', errors: ['must be unique'] }]);

    const other = await createWidget({ name: 'other-name' });
    const renamed = await call('PATCH', `/widgets/${other.id}`, { name: 'unique-name' });
    assert.equal(renamed.status, 409);
    assert.deepEqual(renamed.body.fields, [{ field: 'name', errors: ['must be unique'] }]);
  });

  test('409 on a reference to a missing row, and on deleting a referenced row', async () => {
    const missing = await call('POST', '/parts', { name: 'orphan', widgetId: randomUUID() });
    assert.equal(missing.status, 409);
    assert.equal(missing.body.message, 'widgetId refers to a missing Widget');

    const missingLabel = await call('POST', '/widgets', { name: 'bad-label', labelIds: [randomUUID()] });
    assert.equal(missingLabel.status, 409);
    assert.equal(missingLabel.body.message, 'labelIds refers to a missing Label');
    assert.deepEqual(missingLabel.body.fields, [{ field: 'labelIds', errors: ['refers to a missing Label'] }]);
    const other = await createWidget({ name: 'label-patch' });
    const patched = await call('PATCH', `/widgets/${other.id}`, { labelIds: [randomUUID()] });
    assert.equal(patched.status, 409);
    assert.equal(patched.body.message, 'labelIds refers to a missing Label');
    assert.doesNotMatch(patched.text, /widget_labels/);
    assert.equal(
      (await call('GET', '/widgets?limit=100')).body.data.some((w: any) => w.name === 'bad-label'),
      false,
      'the failed create left nothing behind',
    );

    const widget = await createWidget({ name: 'referenced' });
    const part = await call('POST', '/parts', { name: 'wheel', widgetId: widget.id });
    assert.equal(part.status, 201, part.text);
    const blocked = await call('DELETE', `/widgets/${widget.id}`);
    assert.equal(blocked.status, 409);
    assert.equal(blocked.body.message, 'Widget is still referenced by Part');
  });

  test('409 on a stale version; the current version is accepted', async () => {
    const created = await createWidget({ name: 'versioned' });
    const first = await call('PATCH', `/widgets/${created.id}`, { note: 'one', version: 1 });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.version, 2);

    const stale = await call('PATCH', `/widgets/${created.id}`, { note: 'two', version: 1 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.message, `Widget ${created.id} was modified by someone else (version 2, you sent 1)`);
    assert.equal((await call('GET', `/widgets/${created.id}`)).body.note, 'one');

    const current = await call('PATCH', `/widgets/${created.id}`, { note: 'two', version: 2 });
    assert.equal(current.status, 200);
    assert.deepEqual([current.body.note, current.body.version], ['two', 3]);
  });

  test('concurrent writes with the same version: exactly one wins', async () => {
    const created = await createWidget({ name: 'race' });
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((note) => call('PATCH', `/widgets/${created.id}`, { note, version: 1 })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409]);
  });

  test('DELETE removes a row; soft delete hides it but keeps it', async () => {
    const widget = await createWidget({ name: 'to-delete' });
    const removed = await call('DELETE', `/widgets/${widget.id}`);
    assert.equal(removed.status, 204);
    assert.equal((await call('GET', `/widgets/${widget.id}`)).status, 404);
    assert.equal((await sql.query('SELECT 1 FROM widgets WHERE id = $1', [widget.id])).rowCount, 0);

    const owner = await createWidget({ name: 'part-owner' });
    const part = (await call('POST', '/parts', { name: 'bolt', widgetId: owner.id })).body;
    assert.equal((await call('DELETE', `/parts/${part.id}`)).status, 204);
    assert.equal((await call('GET', `/parts/${part.id}`)).status, 404);
    assert.equal((await call('DELETE', `/parts/${part.id}`)).status, 404, 'already deleted');
    const { rows } = await sql.query('SELECT deleted_at FROM parts WHERE id = $1', [part.id]);
    assert.ok(rows[0].deleted_at instanceof Date);
  });

  test('500 says nothing about the failure; no SQL, stack or driver text', async () => {
    const response = await call('POST', '/widgets', { name: EXPLODING_WIDGET, note: 'hunter2' });
    const { instance: _, ...body } = assertProblem(response, 500);
    assert.deepEqual(body, {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Internal server error',
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
    for (const leak of ['INSERT', EXPLOSION, 'hunter2', 'stack', 'at ']) {
      assert.ok(!response.text.includes(leak), `response leaks "${leak}"`);
    }
  });

  test('X-Request-Id is echoed when well-formed, replaced otherwise', async () => {
    const echoed = await call('GET', '/health/live', undefined, { 'x-request-id': 'trace-123.abc_DEF' });
    assert.equal(echoed.headers.get('x-request-id'), 'trace-123.abc_DEF');

    const replaced = await call('GET', '/health/live', undefined, { 'x-request-id': 'no spaces; allowed' });
    assert.match(replaced.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);

    const generated = await call('POST', '/widgets', { name: EXPLODING_WIDGET });
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, 'error responses carry one too');
  });
});
