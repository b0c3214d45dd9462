import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bootExampleBackend, type ExampleBackend } from '../support/example-backend';
import { type HttpResult, httpOnce } from '../support/http';
import { assertProblem } from '../support/problem';

/**
 * Hostile and malformed bodies sent to the repository's own generated backend (booted as a real
 * process): each must be a 400 (or 415) that names the field, never a 500, and must change no row.
 * hostile-property.e2e.spec.ts sends thousands of generated ones; these are the named cases it found.
 */
let backend: ExampleBackend;
const ids: Record<string, string> = {};

const send = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  backend.send(method, path, body, headers);
const snapshot = () => backend.snapshot();

async function created(path: string, body: object): Promise<Record<string, any>> {
  const response = await send('POST', path, body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

function assertRejected(response: HttpResult, status: number, field?: string): void {
  assertProblem(response, status, JSON.stringify(response.body));
  if (field === undefined) return;
  const fields: { field: string; errors: string[] }[] = response.body.fields ?? [];
  assert.ok(
    fields.some((entry) => entry.field === field || entry.field.startsWith(`${field}.`)),
    `the answer names ${field}: ${JSON.stringify(response.body)}`,
  );
  assert.match(response.body.message, new RegExp(`\\b${field}\\b`));
}

before(async () => {
  backend = await bootExampleBackend('apso_hostile', 9);
  // Requests act as the backend's tenant (an admin of its organization): hostile bodies reach validation.
  ids.org = backend.tenant.organizationId;
  ids.user = (await created('/users', { email: 'ada@example.com', displayName: 'Ada', organizationId: ids.org })).id;
  ids.project = (await created('/projects', { name: 'P', organizationId: ids.org })).id;
  ids.task = (await created('/tasks', { title: 'T', projectId: ids.project })).id;
  ids.event = (await created('/audit-events', { sequence: '1', action: 'a', organizationId: ids.org })).id;
});

after(async () => {
  await backend?.stop();
});

/** A JSON body nested `depth` levels deep, about 4 KB like the one in issue 12. */
const deeplyNested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('hostile request bodies', () => {
  const cases: {
    name: string;
    method: string;
    path: () => string;
    body: () => unknown;
    status?: number;
    field?: string;
    headers?: Record<string, string>;
  }[] = [
    {
      name: 'a NUL byte in a string',
      method: 'POST',
      path: () => '/tasks',
      body: () => ({ title: 'a\u0000b', projectId: ids.project }),
      field: 'title',
    },
    {
      name: 'a NUL byte in a string (PATCH)',
      method: 'PATCH',
      path: () => `/tasks/${ids.task}`,
      body: () => ({ title: 'a\u0000b' }),
      field: 'title',
    },
    {
      name: 'a NUL byte inside a json value',
      method: 'POST',
      path: () => '/audit-events',
      body: () => ({ sequence: '2', action: 'a', organizationId: ids.org, payload: { note: 'a\u0000b' } }),
      field: 'payload',
    },
    {
      name: 'JSON nested 2,000 levels deep',
      method: 'POST',
      path: () => '/audit-events',
      body: () => `{"sequence":"3","action":"a","organizationId":"${ids.org}","payload":${deeplyNested(2000)}}`,
      field: 'payload',
    },
    {
      name: 'an interval that overflows',
      method: 'POST',
      path: () => '/audit-events',
      body: () => ({ sequence: '4', action: 'a', organizationId: ids.org, retention: '999999999999 years' }),
      field: 'retention',
    },
    {
      name: 'an interval that overflows (PATCH)',
      method: 'PATCH',
      path: () => `/audit-events/${ids.event}`,
      body: () => ({ retention: '999999999999 years' }),
      field: 'retention',
    },
    {
      name: 'a lone surrogate in a string',
      method: 'POST',
      path: () => '/users',
      body: () => '{"email":"\\ud800","displayName":"Eve","organizationId":"' + ids.org + '"}',
      field: 'email',
    },
    {
      name: 'a lone surrogate in a string that is otherwise valid',
      method: 'POST',
      path: () => '/tasks',
      body: () => `{"title":"a\\udc00b","projectId":"${ids.project}"}`,
      field: 'title',
    },
    {
      name: 'tagIds: null',
      method: 'PATCH',
      path: () => `/projects/${ids.project}`,
      body: () => ({ tagIds: null }),
      field: 'tagIds',
    },
    {
      name: 'tagIds: null on create',
      method: 'POST',
      path: () => '/projects',
      body: () => ({ name: 'Q', organizationId: ids.org, tagIds: null }),
      field: 'tagIds',
    },
    {
      name: 'a date that is not in the calendar',
      method: 'PATCH',
      path: () => `/projects/${ids.project}`,
      body: () => ({ startsOn: '2024-02-30' }),
      field: 'startsOn',
    },
    {
      name: 'a timestamp that is not in the calendar',
      method: 'PATCH',
      path: () => `/tasks/${ids.task}`,
      body: () => ({ dueAt: '2024-02-30T00:00:00Z' }),
      field: 'dueAt',
    },
    ...[true, 0, '1'].map((dueAt) => ({
      name: `a timestamp given as ${JSON.stringify(dueAt)}`,
      method: 'PATCH',
      path: () => `/tasks/${ids.task}`,
      body: () => ({ dueAt }),
      field: 'dueAt',
    })),
    {
      name: 'a json number that is not finite (1e309)',
      method: 'POST',
      path: () => '/audit-events',
      body: () => `{"sequence":"5","action":"a","organizationId":"${ids.org}","payload":{"n":1e309}}`,
      field: 'payload',
    },
    {
      name: 'a form-encoded body',
      method: 'POST',
      path: () => '/organizations',
      body: () => 'name=Forged&slug=forged',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
    },
    {
      name: 'a text/plain body',
      method: 'PATCH',
      path: () => `/tasks/${ids.task}`,
      body: () => '{"title":"plain"}',
      headers: { 'content-type': 'text/plain' },
      status: 415,
    },
  ];

  for (const hostile of cases) {
    test(`${hostile.name}: ${hostile.status ?? 400}${hostile.field ? ` naming ${hostile.field}` : ''}, and no row changed`, async () => {
      const before = await snapshot();
      const response = await send(hostile.method, hostile.path(), hostile.body(), hostile.headers);
      assertRejected(response, hostile.status ?? 400, hostile.field);
      assert.equal(await snapshot(), before, 'no row changed');
    });
  }

  test('a missing required property is reported as required', async () => {
    const before = await snapshot();
    const response = await send('POST', '/tasks', { projectId: ids.project });
    assertRejected(response, 400, 'title');
    const title = response.body.fields.find((entry: { field: string }) => entry.field === 'title');
    assert.deepEqual(title.errors, ['title is required']);
    assert.equal(await snapshot(), before, 'no row changed');
  });

  test('valid intervals, timestamps and a shallow json value are still accepted', async () => {
    for (const retention of ['90 days', '1 year 2 mons 3 days 04:05:06', 'P1DT2H', '1 day 02:00:00']) {
      const response = await send('PATCH', `/audit-events/${ids.event}`, { retention });
      assert.equal(response.status, 200, `${retention}: ${JSON.stringify(response.body)}`);
    }
    const task = await send('PATCH', `/tasks/${ids.task}`, { dueAt: '2024-02-29T09:30:00+01:00' });
    assert.equal(task.status, 200, JSON.stringify(task.body));
    assert.equal(task.body.dueAt, '2024-02-29T08:30:00.000Z');
    const event = await send('PATCH', `/audit-events/${ids.event}`, { payload: { a: { b: ['\ud83d\ude00'] } } });
    assert.equal(event.status, 200, JSON.stringify(event.body));
    assert.deepEqual(event.body.payload, { a: { b: ['\ud83d\ude00'] } });
  });
});

describe('hostile URLs', () => {
  /** The problem of src/platform/http/error-body.ts, naming no field, and the path not echoed back. */
  function assertPlatformErrorBody(response: HttpResult, status: number, path: string): void {
    const body = assertProblem(response, status);
    assert.deepEqual(Object.keys(body).sort(), [
      'detail',
      'error',
      'instance',
      'message',
      'status',
      'statusCode',
      'title',
      'type',
    ]);
    assert.ok(!response.text.includes(path), `the path is not echoed: ${response.text}`);
  }

  test('a path parameter longer than the router allows: 414 in the platform error body', async () => {
    const path = `/tasks/${'a'.repeat(200)}`;
    assertPlatformErrorBody(await send('GET', path), 414, path);
  });

  test('an Expect header other than 100-continue: 417 in the platform error body, and no row changed', async () => {
    const before = await snapshot();
    const body = JSON.stringify({ title: 'expected' });
    const headers = { ...backend.tenant.headers, 'content-type': 'application/json', expect: 'gzip' };
    const response = await httpOnce(backend.app.baseUrl, 'PATCH', `/tasks/${ids.task}`, body, headers);
    assertPlatformErrorBody(response, 417, `/tasks/${ids.task}`);
    assert.equal(await snapshot(), before, 'no row changed');
  });

  for (const [path, requirement] of [
    ['/tags/99999999999999999999', 'an integer from -2147483648 to 2147483647'],
    ['/tags/1.5', 'an integer from -2147483648 to 2147483647'],
    ['/tasks/not-a-uuid', 'a UUID'],
  ]) {
    test(`an id no row can have (${path}): 400 naming id, for every method, and no row changed`, async () => {
      const before = await snapshot();
      for (const method of ['GET', 'PATCH', 'PUT', 'DELETE']) {
        const response = await send(method, path, method === 'GET' || method === 'DELETE' ? undefined : { label: 'x' });
        assert.equal(response.status, 400, `${method}: ${response.text}`);
        assert.deepEqual(response.body.fields, [{ field: 'id', errors: [`id must be ${requirement}`] }]);
      }
      assert.equal(await snapshot(), before, 'no row changed');
    });
  }

  for (const path of ['/tasks/%FF', '/ta%FFsks', '/tasks/%ED%A0%80']) {
    test(`a malformed %-escape (${path}): 400 in the platform error body`, async () => {
      const before = await snapshot();
      assertPlatformErrorBody(await send('PATCH', path, { title: 'x' }), 400, path);
      assert.equal(await snapshot(), before, 'no row changed');
    });
  }
});

describe('one vocabulary for errors: entity and property names, never tables (issue 12 §5)', () => {
  const missingId = '00000000-0000-4000-8000-000000000000';

  test('404s name the entity, as 409s do', async () => {
    for (const [path, entity] of [
      [`/projects/${missingId}`, 'Project'],
      [`/audit-events/${missingId}`, 'AuditEvent'],
      ['/tags/2147483647', 'Tag'],
    ]) {
      const response = await send('GET', path);
      assert.equal(response.status, 404, response.text);
      assert.equal(response.body.message, `${entity} ${path.split('/')[2]} not found`);
    }
    const write = await send('PATCH', `/tasks/${missingId}`, { title: 'x' });
    assert.equal(write.body.message, `Task ${missingId} not found`);
  });

  test('an id in tagIds that is no tag: 409 naming tagIds, not tags or project_tags', async () => {
    const before = await snapshot();
    for (const [method, path, body] of [
      ['PATCH', `/projects/${ids.project}`, { tagIds: [2147483647] }],
      ['PUT', `/projects/${ids.project}`, { name: 'P', organizationId: ids.org, tagIds: [2147483647] }],
      ['POST', '/projects', { name: 'tagged', organizationId: ids.org, tagIds: [2147483647] }],
    ] as const) {
      const response = await send(method, path, body);
      assert.equal(response.status, 409, response.text);
      assert.equal(response.body.message, 'tagIds refers to a missing Tag');
      assert.deepEqual(response.body.fields, [{ field: 'tagIds', errors: ['refers to a missing Tag'] }]);
      assert.doesNotMatch(response.text, /project_tags|tag_id/);
    }
    assert.equal(await snapshot(), before, 'no row changed');
  });

  test('an id in tagIds beyond the integer key range: 400 naming tagIds, not a value out of range', async () => {
    const before = await snapshot();
    for (const tagIds of [[2 ** 31], [-(2 ** 31) - 1], [1e15]]) {
      const response = await send('PATCH', `/projects/${ids.project}`, { tagIds });
      assertRejected(response, 400, 'tagIds');
    }
    assert.equal(await snapshot(), before, 'no row changed');
  });

  test('a duplicate names the entity and the properties', async () => {
    const response = await send('POST', '/projects', { name: 'P', organizationId: ids.org });
    assert.equal(response.status, 409, response.text);
    assert.equal(response.body.message, 'Project with this organizationId and name already exists');
  });
});
