import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@keyv/redis';
import { Client } from 'pg';
import { buildModel } from '../../generator/src/model/build';
import { REPO_ROOT } from '../support/repository';
import { loadSchema } from '../../generator/src/load/load';
import { validateDocument } from '../../generator/src/validate/validate';
import { crudSmoke, type Http, httpClient, MODEL_CLIENT } from '../support/crud-smoke';
import { createTenant, exampleAuthEnv, signExampleToken, tenantClient } from '../support/example-auth';
import { metricValue } from '../support/metrics';
import { answerToAnnouncedBody } from '../support/raw-http';
import {
  createDatabase,
  eventually,
  redisUrl as redisDatabase,
  type RunningApp,
  runScript,
  startApp,
  type TestDatabase,
  waitForBlockedQuery,
} from '../support/services';

/**
 * The repository's own generated backend, built into dist/ by `npm test`: migrated on a fresh
 * database, booted as a real process against the machine's PostgreSQL and Redis, and called over HTTP.
 */
const redisUrl = redisDatabase(11);
const model = (() => {
  const { document } = validateDocument(loadSchema(join(REPO_ROOT, 'schema.apso.json')).document);
  return buildModel(document!);
})();

let database: TestDatabase;
let app: RunningApp;
let http: Http;
const redis = createClient({ url: redisUrl });

before(async () => {
  database = await createDatabase('apso_e2e');
  await redis.connect();
  await redis.flushDb();
  const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl, ...exampleAuthEnv() };
  await runScript(join(REPO_ROOT, 'dist', 'migrate.js'), env);
  app = await startApp(join(REPO_ROOT, 'dist', 'main.js'), env);
  http = tenantClient(app.baseUrl, await createTenant(app.baseUrl, 'home'));
});

after(async () => {
  await app?.stop();
  await redis.flushDb();
  await redis.quit();
  await database?.drop();
});

/** A new organization, and a client acting as its admin (who may also manage organizations). */
async function organization(slug: string): Promise<{ id: string; http: Http }> {
  const tenant = await createTenant(app.baseUrl, slug);
  return { id: tenant.organizationId, http: tenantClient(app.baseUrl, tenant) };
}

describe('generated backend over HTTP', () => {
  test('every entity: create, read, list, update (PATCH and PUT) and delete', async () => {
    await crudSmoke(model, httpClient(app.baseUrl), MODEL_CLIENT, { sign: signExampleToken });
  });

  test('a second GET is served from Redis, and a write invalidates item and list', async () => {
    const org = await organization('cache-check');
    const http = org.http;
    const path = `/organizations/${org.id}`;
    const hitsBefore = await metricValue(app.baseUrl, 'cache_hits_total{resource="organizations"}');

    assert.equal((await http('GET', path)).status, 200);
    // The caller's org_id is part of the key: the answer can embed the organization's scoped rows.
    const entryKeys = () => redis.keys(`*{organizations}:item:${org.id}@*`);
    assert.ok(await eventually(async () => (await entryKeys()).length === 1), 'the answer is stored in Redis');
    const [entryKey] = await entryKeys();
    // The default namespace: the primary's database name and a hash of where it is.
    const databaseName = new URL(database.url).pathname.slice(1);
    assert.match(entryKey, new RegExp(`^apso:${databaseName}-[0-9a-f]{12}:\\{organizations\\}:`));
    assert.ok((await redis.ttl(entryKey)) > 0, 'with a TTL');
    assert.equal((await http('GET', path)).status, 200);
    assert.equal(
      await metricValue(app.baseUrl, 'cache_hits_total{resource="organizations"}'),
      hitsBefore + 1,
      'the second GET was a cache hit',
    );

    const list = await http('GET', '/organizations?limit=100');
    assert.ok(list.body.data.some((row: { slug: string }) => row.slug === 'cache-check'));

    const patched = await http('PATCH', path, { name: 'Renamed' });
    assert.equal(patched.status, 200);
    const hitsAfterWrite = await metricValue(app.baseUrl, 'cache_hits_total{resource="organizations"}');
    assert.equal((await http('GET', path)).body.name, 'Renamed', 'the next GET reads the write');
    assert.equal(
      await metricValue(app.baseUrl, 'cache_hits_total{resource="organizations"}'),
      hitsAfterWrite,
      'the entry cached before the write no longer counts',
    );
    const listAfter = await http('GET', '/organizations?limit=100');
    assert.equal(
      listAfter.body.data.find((row: { id: string }) => row.id === org.id).name,
      'Renamed',
      'the list is fresh too',
    );
  });

  test('an integer id is one entry however it is written: a write to /tags/1 refreshes /tags/01', async () => {
    const org = await organization('tag-ids');
    const http = org.http;
    const tag = await http('POST', '/tags', { label: 'before', organizationId: org.id });
    assert.equal(tag.status, 201, JSON.stringify(tag.body));
    const padded = `/tags/0${tag.body.id}`;

    assert.equal((await http('GET', padded)).body.label, 'before');
    const stored = async () => (await redis.keys('*{tags}:item:*')).length > 0;
    assert.ok(await eventually(stored), 'the answer is stored in Redis');
    assert.equal((await http('PATCH', `/tags/${tag.body.id}`, { label: 'after' })).status, 200);
    assert.equal((await http('GET', padded)).body.label, 'after', 'the padded id reads the write');
  });

  test('a delete that cascades refreshes the cached answers of every row it removed', async () => {
    const org = await organization('cascade');
    const http = org.http;
    const project = await http('POST', '/projects', { name: 'P', organizationId: org.id });
    const task = await http('POST', '/tasks', { title: 'T', projectId: project.body.id });
    const subtask = await http('POST', '/tasks', { title: 'S', projectId: project.body.id, parentId: task.body.id });
    assert.equal(subtask.status, 201, JSON.stringify(subtask.body));
    const cached = async (path: string) => {
      await http('GET', path);
      assert.ok(await eventually(async () => (await http('GET', path)).headers.get('x-cache') === 'HIT'), path);
    };
    const listed = async (id: string) =>
      ((await http('GET', '/tasks?limit=100')).body.data as { id: string }[]).some((row) => row.id === id);
    const [projectPath, taskPath, subtaskPath] = [project, task, subtask].map(
      (created, index) => `/${index === 0 ? 'projects' : 'tasks'}/${created.body.id}`,
    );
    for (const path of [projectPath, taskPath, subtaskPath, '/tasks?limit=100']) await cached(path);

    // A self-reference: deleting a task deletes its subtasks in the database, not through /tasks/:id.
    assert.equal((await http('DELETE', taskPath)).status, 204);
    assert.equal((await http('GET', subtaskPath)).status, 404, 'the subtask went with its parent');
    assert.equal(await listed(subtask.body.id), false);

    // Two levels down: organization -> project -> task.
    const other = await http('POST', '/tasks', { title: 'U', projectId: project.body.id });
    for (const path of [projectPath, `/tasks/${other.body.id}`, '/tasks?limit=100']) await cached(path);
    assert.equal((await http('DELETE', `/organizations/${org.id}`)).status, 204);
    assert.equal((await http('GET', projectPath)).status, 404, 'the cascaded project is gone');
    assert.equal((await http('GET', `/tasks/${other.body.id}`)).status, 404, "the project's task is gone");
    assert.equal(await listed(other.body.id), false, 'and no longer listed');
  });

  test('an entity with caching off is never stored', async () => {
    const org = await organization('no-cache');
    const http = org.http;
    const event = await http('POST', '/audit-events', { sequence: '1', action: 'created', organizationId: org.id });
    assert.equal(event.status, 201, JSON.stringify(event.body));
    await http('GET', `/audit-events/${event.body.id}`);
    assert.deepEqual(await redis.keys('*{audit-events*'), []);
  });

  test('bad bodies get 400 naming the fields; unknown ids 404; duplicates and bad references 409', async () => {
    const bad = await http('POST', '/organizations', { name: 42, slug: 'x', plan: 'gold', unknown: true });
    assert.equal(bad.status, 400);
    const fields = (bad.body.fields as { field: string }[]).map((entry) => entry.field).sort();
    assert.deepEqual(fields, ['name', 'plan', 'unknown']);

    const tooBig = await answerToAnnouncedBody(app.baseUrl, '/organizations', 2 * 1024 * 1024);
    assert.equal(tooBig.status, 413, 'bodies over HTTP_BODY_LIMIT_BYTES are refused');
    assert.equal((await http('GET', '/organizations?limit=1000')).status, 400, 'page size is capped');

    const missing = await http('GET', '/organizations/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal((await http('GET', '/organizations/not-a-uuid')).status, 400);

    await organization('dup');
    const duplicate = await http('POST', '/organizations', { name: 'Again', slug: 'dup' });
    assert.equal(duplicate.status, 409);
    assert.match(JSON.stringify(duplicate.body), /slug/);

    const orphan = await http('POST', '/tasks', { title: 'Orphan', projectId: '00000000-0000-4000-8000-000000000000' });
    assert.equal(orphan.status, 409);
    assert.match(JSON.stringify(orphan.body), /project/);
    assert.doesNotMatch(JSON.stringify(orphan.body), /INSERT|violates|stack/i, 'no SQL or driver text leaks');
  });

  test('lists filter by status and by the project a task belongs to, sorted on several columns', async () => {
    const org = await organization('filters');
    const http = org.http;
    const project = async (name: string) => {
      const created = await http('POST', '/projects', { name, organizationId: org.id });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body;
    };
    const [apollo, gemini] = [await project('Apollo 50%'), await project('Gemini')];
    const rows: [string, string, number, string][] = [
      ['launch', 'todo', 5, apollo.id],
      ['land', 'done', 5, apollo.id],
      ['orbit', 'todo', 1, gemini.id],
      ['dock', 'todo', 5, gemini.id],
      ['walk', 'in_progress', 3, apollo.id],
    ];
    for (const [title, status, priority, projectId] of rows) {
      const created = await http('POST', '/tasks', { title, status, priority, projectId });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const titles = async (search: string) => {
      const page = await http('GET', `/tasks${search}&filter[project.organizationId][eq]=${org.id}&limit=100`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      return (page.body.data as { title: string }[]).map((task) => task.title);
    };
    assert.deepEqual(await titles('?filter[project.name][contains]=50%25&sort=title'), ['land', 'launch', 'walk']);
    assert.deepEqual(await titles('?filter[project.name][eq]=Gemini&filter[status][eq]=todo&sort=-priority'), [
      'dock',
      'orbit',
    ]);
    assert.deepEqual(await titles('?filter[or][0][status][eq]=done&filter[or][1][priority][lt]=3&sort=title'), [
      'land',
      'orbit',
    ]);
    const byPriority = await http(
      'GET',
      `/tasks?filter[project.organizationId][eq]=${org.id}&sort=-priority,status&limit=100`,
    );
    const order = (byPriority.body.data as { priority: number; status: string; id: string }[]).map(
      (task) => [task.priority, task.status, task.id] as const,
    );
    const total = [...order].sort((a, b) => b[0] - a[0] || (a[1] === b[1] ? (a[2] < b[2] ? -1 : 1) : 0));
    assert.deepEqual(
      order.filter(([priority, status]) => priority === 5 && status === 'todo').map(([, , id]) => id),
      total.filter(([priority, status]) => priority === 5 && status === 'todo').map(([, , id]) => id),
      'ties broken by id',
    );
    const wrong = await http('GET', '/tasks?filter[project.id][eq]=not-a-uuid&filter[priority][gt]=high');
    assert.equal(wrong.status, 400);
    assert.deepEqual((wrong.body.fields as { field: string }[]).map((entry) => entry.field).sort(), [
      'filter[priority][gt]',
      'filter[project.id][eq]',
    ]);
    assert.equal((await http('GET', '/tasks?sort=-priority,colour')).body.fields[0].field, 'sort');

    const documented = (await http('GET', '/openapi.json')).body.paths['/tasks'].get.parameters as Record<
      string,
      unknown
    >[];
    const filter = documented.filter((parameter) => parameter.name === 'filter');
    assert.equal(filter.length, 1, 'filter is documented once');
    assert.equal(filter[0].style, 'deepObject', 'as brackets, which is how generated clients then write it');
    const properties = (filter[0].schema as { properties: Record<string, { properties: object }> }).properties;
    assert.ok(properties['project.name'].properties, 'filters on a relation are named with their operators');
  });

  test('optimistic locking: a stale version gets 409', async () => {
    const org = await organization('locking');
    const http = org.http;
    const project = await http('POST', '/projects', { name: 'Locked', organizationId: org.id });
    assert.equal(project.body.version, 1);
    const first = await http('PATCH', `/projects/${project.body.id}`, { name: 'First', version: 1 });
    assert.equal(first.status, 200);
    assert.equal(first.body.version, 2);
    const stale = await http('PATCH', `/projects/${project.body.id}`, { name: 'Second', version: 1 });
    assert.equal(stale.status, 409);
  });

  test('/metrics exposes request, query and cache metrics labelled by route template', async () => {
    const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
    assert.match(text, /http_request_duration_seconds_bucket\{[^}]*route="\/organizations\/:id"/);
    assert.doesNotMatch(text, /route="\/organizations\/[0-9a-f]{8}-/, 'raw URLs never become labels');
    assert.match(text, /db_query_duration_seconds_bucket\{[^}]*connection="primary"/);
    assert.match(text, /db_query_duration_seconds_bucket\{[^}]*connection="replica"/);
    assert.match(text, /cache_misses_total\{resource="organizations"\}/);
    assert.match(text, /process_cpu_seconds_total/);
  });

  test('the OpenAPI document at /openapi.json lists every route', async () => {
    const document = (await (await fetch(`${app.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const entity of model.entities) {
      assert.ok(document.paths[`/${entity.names.route}`], `/${entity.names.route}`);
      assert.ok(document.paths[`/${entity.names.route}/{id}`], `/${entity.names.route}/{id}`);
    }
  });

  test('health probes and request ids', async () => {
    assert.equal((await fetch(`${app.baseUrl}/health/live`)).status, 200);
    assert.equal((await fetch(`${app.baseUrl}/health/ready`)).status, 200);
    const response = await fetch(`${app.baseUrl}/health/live`, { headers: { 'x-request-id': 'trace-me-123' } });
    assert.equal(response.headers.get('x-request-id'), 'trace-me-123');
  });

  // Last: it stops the app.
  test('SIGTERM lets an in-flight request finish, then the process exits 0', async () => {
    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    try {
      // Hold a lock the list query must wait for, so the request is still in flight when SIGTERM arrives.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE');
      const inFlight = http('GET', '/audit-events?limit=5');
      await waitForBlockedQuery(database.url);
      const exited = app.stop();
      // Give the server time to stop accepting before the request can finish.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await locker.query('COMMIT');
      const response = await inFlight;
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(await exited, 0, app.output());
    } finally {
      await locker.end();
    }
  });
});
