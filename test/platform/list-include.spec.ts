import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { FixtureApp, startFixtureApp } from './support/fixture-app';
import { bearer, createTenant, tenantClient } from '../support/example-auth';
import { bootExampleBackend, type ExampleBackend } from '../support/example-backend';
import { http } from '../support/http';
import { assertProblem } from '../support/problem';

const REDIS_DATABASE = 8;
/** Shared by the two instances of the invalidation tests. */
const SHARED_REDIS_DATABASE = 4;
/** The example backend's, for its one-to-one relations and integer-keyed many-to-many. */
const EXAMPLE_REDIS_DATABASE = 0;
/** Mirrors MAX_EMBEDDED_ROWS in src/platform/crud/list-include.ts. */
const MAX_EMBEDDED_ROWS = 20;
const STATEMENTS = 'db_query_duration_seconds_count';

interface Widget {
  id: string;
  name: string;
  labelIds: string[];
  parts?: { id: string; name: string }[];
  labels?: { id: string; name: string }[];
}

/** Every SQL statement the app has run so far, on either connection, from its query metrics. */
async function statementsRun(baseUrl: string): Promise<number> {
  const { text } = await http(baseUrl, 'GET', '/metrics');
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${STATEMENTS}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('sparse fieldsets, includes and many-to-many ids (real Postgres and Redis)', () => {
  let fixture: FixtureApp;
  const call = <T = any>(method: string, path: string, body?: unknown) => http<T>(fixture.baseUrl, method, path, body);
  let sql: Client;
  const labels: { id: string; name: string }[] = [];
  const widgets: Widget[] = [];

  async function created<T = any>(path: string, body: unknown): Promise<T> {
    const answer = await call<T>('POST', path, body);
    assert.equal(answer.status, 201, answer.text);
    return answer.body;
  }

  /** The 400's failing parameters, checked to be an RFC 9457 problem. */
  function refused(answer: Awaited<ReturnType<typeof call>>): { field: string; errors: string[] }[] {
    return assertProblem(answer, 400).fields;
  }

  before(async () => {
    // The outbox relay's own queries would be counted with the requests' ones measured here.
    fixture = await startFixtureApp(REDIS_DATABASE, { CACHE_RELAY_INTERVAL_MS: '60000' });
    sql = new Client({ connectionString: fixture.database.url });
    await sql.connect();
    for (const name of ['red', 'green', 'blue']) labels.push(await created('/labels', { name }));
    // 105 widgets, so a page of 100 has 100 rows to embed into; each has 2 labels and 2 parts, the first 25.
    for (let i = 0; i < 105; i++) {
      const labelIds = [labels[i % 3].id, labels[(i + 1) % 3].id];
      widgets.push(await created('/widgets', { name: `widget-${String(i).padStart(3, '0')}`, labelIds }));
    }
    const rows = [];
    for (let i = 0; i < 105; i++) {
      for (let j = 0; j < (i === 0 ? MAX_EMBEDDED_ROWS + 5 : 2); j++) rows.push([`part-${i}-${j}`, widgets[i].id]);
    }
    await sql.query('INSERT INTO parts (name, widget_id) SELECT * FROM unnest($1::varchar[], $2::uuid[])', [
      rows.map((row) => row[0]),
      rows.map((row) => row[1]),
    ]);
  });

  after(async () => {
    await sql?.end();
    await fixture?.close();
  });

  test('fields answers only those properties, and id, on the list and on one row', async () => {
    const list = await call('GET', '/widgets?fields=name&limit=3');
    assert.equal(list.status, 200, list.text);
    for (const row of list.body.data) assert.deepEqual(Object.keys(row), ['id', 'name']);
    const one = await call('GET', `/widgets/${widgets[0].id}?fields=name,labelIds`);
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.body, { id: widgets[0].id, name: widgets[0].name, labelIds: widgets[0].labelIds });
    const full = await call('GET', `/widgets/${widgets[0].id}`);
    assert.ok('version' in full.body && 'labelIds' in full.body, 'the query is part of the cache key');
    assert.notEqual(one.headers.get('etag'), full.headers.get('etag'));
  });

  test('an unknown field or relation is a 400 naming the parameter', async () => {
    const [unknownField] = refused(await call('GET', '/widgets?fields=id,colour'));
    assert.equal(unknownField.field, 'fields');
    assert.match(unknownField.errors[0], /no property colour/);
    const [unknownRelation] = refused(await call('GET', `/widgets/${widgets[0].id}?include=owner`));
    assert.equal(unknownRelation.field, 'include');
    assert.match(unknownRelation.errors[0], /no relation owner to include \(relations: labels, parts\)/);
    assert.equal(refused(await call('GET', '/parts?include=widget,'))[0].field, 'include');
    assert.equal(refused(await call('GET', '/parts?fields[name]=1'))[0].field, 'fields');
    assert.equal((await call('GET', `/widgets/${widgets[0].id}?colour=red`)).status, 400);
  });

  test('include embeds a many-to-one, a one-to-many (capped) and a many-to-many', async () => {
    const parts = await call('GET', `/parts?include=widget&limit=3&filter[widgetId][eq]=${widgets[1].id}`);
    assert.equal(parts.status, 200, parts.text);
    assert.equal(parts.body.data.length, 2);
    for (const part of parts.body.data) assert.deepEqual(part.widget, widgets[1]);

    const one = await call<Widget>('GET', `/widgets/${widgets[0].id}?include=parts,labels&fields=name`);
    assert.equal(one.status, 200, one.text);
    const { rows } = await sql.query<{ id: string }>('SELECT id FROM parts WHERE widget_id = $1 ORDER BY id', [
      widgets[0].id,
    ]);
    assert.equal(rows.length, MAX_EMBEDDED_ROWS + 5);
    assert.deepEqual(
      one.body.parts!.map((part) => part.id),
      rows.slice(0, MAX_EMBEDDED_ROWS).map((row) => row.id),
      'the first MAX_EMBEDDED_ROWS by id',
    );
    assert.deepEqual(one.body.labels!.map((label) => label.id).sort(), [...widgets[0].labelIds].sort());
    assert.deepEqual(Object.keys(one.body).sort(), ['id', 'labels', 'name', 'parts']);

    const list = await call<{ data: Widget[] }>('GET', '/widgets?include=parts,labels&limit=5&sort=name');
    assert.equal(list.status, 200, list.text);
    const repeated = await call('GET', '/widgets?include=parts&include=labels&limit=5&sort=name');
    assert.deepEqual(repeated.body, list.body, 'the parameter repeated, as clients serialize arrays, means the same');
    assert.deepEqual(
      list.body.data.map((widget) => [widget.parts!.length, widget.labels!.length]),
      [
        [MAX_EMBEDDED_ROWS, 2],
        [2, 2],
        [2, 2],
        [2, 2],
        [2, 2],
      ],
    );
    for (const widget of list.body.data.slice(1)) {
      for (const part of widget.parts!) assert.match(part.name, new RegExp(`^part-${Number(widget.name.slice(7))}-`));
    }
  });

  test('includes read one query per relation, whatever the page size', async () => {
    const counts: number[] = [];
    for (const limit of [1, 100]) {
      // Parts are never cached, and each limit is a widget list entry of its own: both read the database.
      for (const path of [`/widgets?include=parts,labels&limit=${limit}`, `/parts?include=widget&limit=${limit}`]) {
        const before = await statementsRun(fixture.baseUrl);
        const answer = await call('GET', path);
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.body.data.length, limit);
        counts.push((await statementsRun(fixture.baseUrl)) - before);
      }
    }
    const [widgetsOfOne, partsOfOne, widgetsOfHundred, partsOfHundred] = counts;
    console.log(`statements: widgets include=parts,labels ${widgetsOfOne} at limit 1, ${widgetsOfHundred} at 100`);
    console.log(`statements: parts include=widget ${partsOfOne} at limit 1, ${partsOfHundred} at 100`);
    assert.equal(widgetsOfHundred, widgetsOfOne);
    assert.equal(partsOfHundred, partsOfOne);
    // The page, its labelIds, its parts, its labels; the page, its widgets and their labelIds.
    assert.equal(widgetsOfOne, 4);
    assert.equal(partsOfOne, 3);
  });

  test('many-to-many ids come back on every read and can be filtered on', async () => {
    const [red, green, blue] = labels;
    const names = async (filter: string) => {
      const answer = await call<{ data: Widget[] }>('GET', `/widgets?limit=100&sort=name&fields=name&${filter}`);
      assert.equal(answer.status, 200, answer.text);
      return answer.body.data.length;
    };
    const withLabel = (id: string) => widgets.filter((widget) => widget.labelIds.includes(id)).length;
    const total = Math.min(100, widgets.length);
    const page = await call<{ data: Widget[] }>('GET', '/widgets?limit=3&sort=name');
    assert.deepEqual(
      page.body.data.map((widget) => widget.labelIds),
      widgets.slice(0, 3).map((widget) => [...widget.labelIds].sort()),
    );
    assert.equal(await names(`filter[labelIds][eq]=${red.id}`), Math.min(100, withLabel(red.id)));
    assert.equal(await names(`filter[labelIds][in]=${red.id},${green.id}`), total);
    assert.equal(
      await names(`filter[labelIds][nin]=${red.id},${green.id}`),
      0,
      'every widget has red or green, since each has two of three',
    );
    assert.equal(await names(`filter[labelIds][ne]=${blue.id}`), widgets.length - withLabel(blue.id));
    assert.equal(await names('filter[labelIds][null]=true'), 0);
    const bare = await created<Widget>('/widgets', { name: 'bare' });
    assert.deepEqual(bare.labelIds, []);
    const onlyBare = await call<{ data: Widget[] }>('GET', '/widgets?filter[labelIds][null]=true');
    assert.deepEqual(
      onlyBare.body.data.map((widget) => widget.id),
      [bare.id],
    );
    const [refusedValue] = refused(await call('GET', '/widgets?filter[labelIds][eq]=not-a-uuid'));
    assert.equal(refusedValue.field, 'filter[labelIds][eq]');
    await call('DELETE', `/widgets/${bare.id}`);
  });
});

describe('cached answers that embed other resources (two instances, one Redis)', () => {
  let first: FixtureApp;
  let second: FixtureApp;

  before(async () => {
    first = await startFixtureApp(SHARED_REDIS_DATABASE);
    second = await startFixtureApp(SHARED_REDIS_DATABASE, { DATABASE_URL: first.database.url });
  });

  after(async () => {
    await second?.close();
    await first?.close();
  });

  /** GETs `path` on `app` until Redis serves it (an answer is stored after it is sent). */
  async function cachedGet(app: FixtureApp, path: string) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const answer = await http(app.baseUrl, 'GET', path);
      assert.equal(answer.status, 200, answer.text);
      if (answer.headers.get('x-cache') === 'HIT') return answer;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${path} was never served from the cache`);
  }

  test('a write to an embedded row reaches every cached list and item that embeds it', async () => {
    const label = (await http(first.baseUrl, 'POST', '/labels', { name: 'before' })).body;
    const widget = (await http(first.baseUrl, 'POST', '/widgets', { name: 'host', labelIds: [label.id] })).body;
    const part = (await http(first.baseUrl, 'POST', '/parts', { name: 'old part', widgetId: widget.id })).body;
    const list = `/widgets?include=labels,parts&filter[id][eq]=${widget.id}`;
    const item = `/widgets/${widget.id}?include=labels,parts`;
    assert.equal((await cachedGet(first, list)).body.data[0].labels[0].name, 'before');
    assert.equal((await cachedGet(first, item)).body.parts[0].name, 'old part');
    assert.equal((await cachedGet(second, list)).body.data[0].parts[0].name, 'old part');

    // Labels are cached themselves, parts never are: both writes move the widgets' embeds version.
    assert.equal((await http(second.baseUrl, 'PATCH', `/labels/${label.id}`, { name: 'after' })).status, 200);
    assert.equal((await http(second.baseUrl, 'PATCH', `/parts/${part.id}`, { name: 'new part' })).status, 200);
    for (const app of [first, second]) {
      assert.equal((await http(app.baseUrl, 'GET', list)).body.data[0].labels[0].name, 'after');
      assert.equal((await http(app.baseUrl, 'GET', item)).body.labels[0].name, 'after');
      assert.equal((await http(app.baseUrl, 'GET', item)).body.parts[0].name, 'new part');
    }

    // A new part, and a deleted one, change the embedded set too.
    const added = (await http(second.baseUrl, 'POST', '/parts', { name: 'added part', widgetId: widget.id })).body;
    await cachedGet(first, item);
    assert.equal((await http(second.baseUrl, 'DELETE', `/parts/${part.id}`)).status, 204);
    assert.deepEqual(
      (await http(first.baseUrl, 'GET', item)).body.parts.map((p: { id: string }) => p.id),
      [added.id],
    );
  });

  test('labelIds cached with a widget follow writes of the widget and deletes of a label', async () => {
    const [a, b] = [
      (await http(first.baseUrl, 'POST', '/labels', { name: 'a' })).body,
      (await http(first.baseUrl, 'POST', '/labels', { name: 'b' })).body,
    ];
    const widget = (await http(first.baseUrl, 'POST', '/widgets', { name: 'ids', labelIds: [a.id] })).body;
    assert.deepEqual(widget.labelIds, [a.id]);
    const path = `/widgets/${widget.id}`;
    assert.deepEqual((await cachedGet(first, path)).body.labelIds, [a.id]);
    const both = [a.id, b.id].sort();
    const patched = await http(second.baseUrl, 'PATCH', path, { labelIds: both });
    assert.deepEqual(patched.body.labelIds, both);
    assert.deepEqual((await http(first.baseUrl, 'GET', path)).body.labelIds, both);
    assert.equal(patched.headers.get('etag'), (await cachedGet(first, path)).headers.get('etag'));
    assert.equal((await http(second.baseUrl, 'DELETE', `/labels/${b.id}`)).status, 204);
    assert.deepEqual((await http(first.baseUrl, 'GET', path)).body.labelIds, [a.id]);
    assert.deepEqual((await http(first.baseUrl, 'GET', `/widgets?filter[id][eq]=${widget.id}`)).body.data[0].labelIds, [
      a.id,
    ]);
  });
});

describe("the example backend's one-to-one and integer-keyed many-to-many (dist/main.js)", () => {
  let backend: ExampleBackend;
  const created = async (path: string, body: unknown, headers?: Record<string, string>) => {
    const answer = await backend.send('POST', path, body, headers);
    assert.equal(answer.status, 201, answer.text);
    return answer.body;
  };

  before(async () => {
    backend = await bootExampleBackend('apso_include', EXAMPLE_REDIS_DATABASE);
  });

  after(async () => {
    await backend?.stop();
  });

  test('both sides of a one-to-one embed the other row, or null', async () => {
    // Profiles are owner-scoped (sub = the user's id): each user acts with a token of its own to write
    // and read its profile, and an include of profile from /users embeds only the caller's own.
    const org = await created('/organizations', { name: 'Acme', slug: 'acme' });
    const admin = await bearer({ sub: randomUUID(), org_id: org.id, roles: ['admin'] });
    const [ada, bob] = [
      await created('/users', { email: 'ada@example.com', displayName: 'Ada', organizationId: org.id }, admin),
      await created('/users', { email: 'bob@example.com', displayName: 'Bob', organizationId: org.id }, admin),
    ];
    const asAda = await bearer({ sub: ada.id, org_id: org.id });
    const asBob = await bearer({ sub: bob.id, org_id: org.id });
    const profile = await created('/profiles', { bio: 'hi', userId: ada.id }, asAda);
    const embedded = async (headers: Record<string, string>) => {
      const users = await backend.send(
        'GET',
        '/users?include=profile&sort=displayName&fields=displayName',
        undefined,
        headers,
      );
      assert.equal(users.status, 200, users.text);
      return users.body.data.map((user: { id: string; profile: { id: string } | null }) => [
        user.id,
        user.profile?.id ?? null,
      ]);
    };
    assert.deepEqual(await embedded(asAda), [
      [ada.id, profile.id],
      [bob.id, null],
    ]);
    assert.deepEqual(
      await embedded(asBob),
      [
        [ada.id, null],
        [bob.id, null],
      ],
      "another user's profile is not embedded",
    );
    const bobs = await created('/profiles', { bio: 'hello', userId: bob.id }, asBob);
    assert.deepEqual(await embedded(asBob), [
      [ada.id, null],
      [bob.id, bobs.id],
    ]);
    assert.deepEqual(await embedded(asAda), [
      [ada.id, profile.id],
      [bob.id, null],
    ]);
    const owner = await backend.send('GET', `/profiles/${profile.id}?include=user`, undefined, asAda);
    assert.equal(owner.status, 200, owner.text);
    assert.equal(owner.body.user.displayName, 'Ada');
    assert.equal((await backend.send('GET', `/profiles/${profile.id}?include=user`, undefined, asBob)).status, 404);
    const bobsOwner = await backend.send('GET', `/profiles/${bobs.id}?include=user`, undefined, asBob);
    assert.equal(bobsOwner.body.user.displayName, 'Bob');
  });

  test('GET /tasks?include=project follows a PATCH of the project; tagIds are integers', async () => {
    // A tenant of its own: an organization and an admin of it, whose token every request below carries.
    const tenant = await createTenant(backend.app.baseUrl, 'beta');
    const send = tenantClient(backend.app.baseUrl, tenant);
    const org = { id: tenant.organizationId };
    const created = async (path: string, body: unknown) => {
      const answer = await send('POST', path, body);
      assert.equal(answer.status, 201, answer.text);
      return answer.body;
    };
    const [one, two] = [
      await created('/tags', { label: 'one', organizationId: org.id }),
      await created('/tags', { label: 'two', organizationId: org.id }),
    ];
    const project = await created('/projects', { name: 'Apollo', organizationId: org.id, tagIds: [two.id, one.id] });
    assert.deepEqual(
      project.tagIds,
      [one.id, two.id].sort((a, b) => a - b),
    );
    await created('/tasks', { title: 'T', projectId: project.id });
    const path = `/tasks?include=project&filter[projectId][eq]=${project.id}`;
    assert.equal((await send('GET', path)).body.data[0].project.name, 'Apollo');
    assert.equal((await send('GET', path)).headers.get('x-cache'), 'HIT');
    assert.equal((await send('PATCH', `/projects/${project.id}`, { name: 'Artemis' })).status, 200);
    assert.equal((await send('GET', path)).body.data[0].project.name, 'Artemis');
    const tagged = await send('GET', `/projects?filter[tagIds][eq]=${one.id}&include=tags`);
    assert.deepEqual(
      tagged.body.data.map((p: { id: string; tags: { label: string }[] }) => [p.id, p.tags.map((t) => t.label)]),
      [[project.id, ['one', 'two']]],
    );
    const tagProjects = await send('GET', `/tags/${one.id}?include=projects`);
    assert.deepEqual(
      tagProjects.body.projects.map((p: { name: string; tagIds: number[] }) => [p.name, p.tagIds]),
      [['Artemis', project.tagIds]],
    );
  });
});
