import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { bootExampleBackend, type ExampleBackend } from '../support/example-backend';
import type { HttpResult } from '../support/http';
import { assertProblem } from '../support/problem';

/**
 * Soft delete in the example backend, whose users are soft-deleted (and cached, with a unique email
 * among live rows) and referenced by tasks (cached too), projects and comments.
 */
const REDIS_DATABASE = 8;

interface User {
  id: string;
  email: string;
  displayName: string;
  deletedAt: string | null;
}

interface Task {
  id: string;
  title: string;
  assigneeId: string | null;
}

describe('soft delete: restore, deleted rows, references (real Postgres and Redis)', () => {
  let backend: ExampleBackend;
  let organizationId: string;
  let projectId: string;
  const send = <T = any>(method: string, path: string, body?: unknown) =>
    backend.send(method, path, body) as Promise<HttpResult<T>>;

  async function created<T>(path: string, body: unknown): Promise<T> {
    const answer = await send<T>('POST', path, body);
    assert.equal(answer.status, 201, answer.text);
    return answer.body;
  }

  const createUser = (name: string, email = `${name}-${randomUUID()}@example.com`) =>
    created<User>('/users', { email, displayName: name, organizationId });

  async function softDelete(user: User): Promise<void> {
    const answer = await send('DELETE', `/users/${user.id}`);
    assert.equal(answer.status, 204, answer.text);
  }

  /** Ids of a list answer, which must be a 200. */
  async function listed(path: string): Promise<string[]> {
    const answer = await send<{ data: { id: string }[] }>('GET', path);
    assert.equal(answer.status, 200, answer.text);
    return answer.body.data.map((row) => row.id);
  }

  before(async () => {
    backend = await bootExampleBackend('apso_soft_delete', REDIS_DATABASE);
    // Users are scoped by organization and their writes need the admin role: requests act as the
    // backend's tenant, an admin of its organization, whose rows all these are.
    organizationId = backend.tenant.organizationId;
    projectId = (await created<{ id: string }>('/projects', { name: 'Soft project', organizationId })).id;
  });

  after(async () => {
    await backend?.stop();
  });

  test('a deleted row leaves the live list and GET, shows in GET /deleted, and a restore brings it back', async () => {
    const user = await createUser('restorable');
    const live = `/users?filter[displayName][eq]=restorable`;
    const deleted = `/users/deleted?filter[displayName][eq]=restorable`;
    // Cached before the delete and before the restore: neither may be answered from the cache after.
    assert.deepEqual(await listed(live), [user.id]);
    assert.equal((await send('GET', `/users/${user.id}`)).status, 200);
    assert.deepEqual(await listed(deleted), []);

    await softDelete(user);
    assert.deepEqual(await listed(live), []);
    assertProblem(await send('GET', `/users/${user.id}`), 404);
    const deletedPage = await send<{ data: User[] }>('GET', deleted);
    assert.equal(deletedPage.body.data.length, 1);
    assert.notEqual(deletedPage.body.data[0].deletedAt, null);
    assert.match(deletedPage.headers.get('cache-control') ?? '', /no-store/);

    const restored = await send<User>('POST', `/users/${user.id}/restore`);
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.body.deletedAt, null);
    assert.equal(restored.body.email, user.email);
    assert.deepEqual((await send('GET', `/users/${user.id}`)).body, restored.body);
    assert.deepEqual(await listed(live), [user.id]);
    assert.deepEqual(await listed(deleted), []);
  });

  test('restoring a row that is not deleted, or does not exist, is a 404; a malformed id a 400', async () => {
    const user = await createUser('alive');
    const live = assertProblem(await send('POST', `/users/${user.id}/restore`), 404);
    assert.equal(live.detail, `No deleted User ${user.id}`);
    assertProblem(await send('POST', `/users/${randomUUID()}/restore`), 404);
    assertProblem(await send('POST', '/users/not-a-uuid/restore'), 400);
    await softDelete(user);
    assert.equal((await send('POST', `/users/${user.id}/restore`)).status, 200);
    assertProblem(await send('POST', `/users/${user.id}/restore`), 404);
  });

  test('a restore that would take a unique value a live row now holds is a 409, and the row stays deleted', async () => {
    const email = `taken-${randomUUID()}@example.com`;
    const original = await createUser('original', email);
    await softDelete(original);
    // The unique index covers live rows only, so the address is free again.
    const successor = await createUser('successor', email);
    const before = await backend.snapshot();
    const problem = assertProblem(await send('POST', `/users/${original.id}/restore`), 409);
    assert.equal(problem.type, 'https://apso.dev/problems/already-exists');
    assert.deepEqual(problem.fields, [{ field: 'email', errors: ['must be unique'] }]);
    assert.equal(await backend.snapshot(), before, 'nothing changed');
    assertProblem(await send('GET', `/users/${original.id}`), 404);

    await softDelete(successor);
    assert.equal((await send('POST', `/users/${original.id}/restore`)).status, 200);
  });

  test('the deleted list takes the list query, validated as the live one is', async () => {
    const [a, b] = [await createUser('paged-a'), await createUser('paged-b')];
    await softDelete(a);
    await softDelete(b);
    const filter = 'filter[displayName][startsWith]=paged-';
    const first = await send<{ data: User[]; nextCursor: string | null; total: number }>(
      'GET',
      `/users/deleted?${filter}&sort=-displayName&limit=1&count=exact`,
    );
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(
      first.body.data.map((user) => user.id),
      [b.id],
    );
    assert.equal(first.body.total, 2);
    assert.deepEqual(
      await listed(`/users/deleted?${filter}&sort=-displayName&limit=1&cursor=${first.body.nextCursor}`),
      [a.id],
    );
    const unknown = assertProblem(await send('GET', '/users/deleted?filter[nope][eq]=1'), 400);
    assert.deepEqual(
      unknown.fields.map((f: { field: string }) => f.field),
      ['filter[nope]'],
    );
  });

  test('references to a deleted row are kept, and a restore brings the whole picture back', async () => {
    const user = await createUser('assignee');
    const task = await created<Task>('/tasks', { title: 'kept reference', projectId, assigneeId: user.id });
    await softDelete(user);
    const read = await send<Task>('GET', `/tasks/${task.id}`);
    assert.equal(read.body.assigneeId, user.id, 'the reference is kept');
    // A write that leaves the reference as it was is not a new reference to a deleted row.
    const renamed = await send<Task>('PATCH', `/tasks/${task.id}`, { title: 'renamed' });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.assigneeId, user.id);
    const replaced = await send<Task>('PUT', `/tasks/${task.id}`, {
      title: 'replaced',
      projectId,
      assigneeId: user.id,
    });
    assert.equal(replaced.status, 200, replaced.text);

    assert.equal((await send('POST', `/users/${user.id}/restore`)).status, 200);
    assert.equal((await send('GET', `/users/${user.id}`)).status, 200);
    assert.equal((await send<Task>('GET', `/tasks/${task.id}`)).body.assigneeId, user.id);
  });

  test('a new reference to a deleted row is refused as a reference to a missing row is', async () => {
    const user = await createUser('gone');
    const other = await createUser('other');
    const task = await created<Task>('/tasks', { title: 'reassigned', projectId, assigneeId: other.id });
    await softDelete(user);
    const expected = [{ field: 'assigneeId', errors: ['refers to a missing User'] }];
    const before = await backend.snapshot();

    const create = assertProblem(await send('POST', '/tasks', { title: 'new', projectId, assigneeId: user.id }), 409);
    assert.equal(create.type, 'https://apso.dev/problems/missing-reference');
    assert.deepEqual(create.fields, expected);
    const missing = randomUUID();
    const absent = assertProblem(await send('POST', '/tasks', { title: 'new', projectId, assigneeId: missing }), 409);
    assert.deepEqual(absent.fields, expected, 'the same answer as for a row that never existed');

    const patch = assertProblem(await send('PATCH', `/tasks/${task.id}`, { assigneeId: user.id }), 409);
    assert.deepEqual(patch.fields, expected);
    const put = assertProblem(
      await send('PUT', `/tasks/${task.id}`, { title: 'reassigned', projectId, assigneeId: user.id }),
      409,
    );
    assert.deepEqual(put.fields, expected);
    const bulk = assertProblem(
      await send('POST', '/tasks/bulk', {
        data: [
          { title: 'fine', projectId },
          { title: 'bad', projectId, assigneeId: user.id },
        ],
      }),
      409,
    );
    assert.deepEqual(bulk.fields, [{ field: 'data[1].assigneeId', errors: ['refers to a missing User'] }]);
    assert.equal(await backend.snapshot(), before, 'nothing was written');
  });

  test('a filter over a relation ignores a deleted target, as if the reference were empty', async () => {
    const user = await createUser('filtered-owner');
    const task = await created<Task>('/tasks', { title: 'by relation', projectId, assigneeId: user.id });
    // Tasks are cached: each filter is read once before the delete, so a stale answer would show.
    const byName = `/tasks?filter[assignee.displayName][eq]=filtered-owner`;
    const byMissing = `/tasks?filter[assignee.id][null]=true&filter[title][eq]=by relation`;
    assert.deepEqual(await listed(byName), [task.id]);
    assert.deepEqual(await listed(byMissing), []);
    await softDelete(user);
    assert.deepEqual(await listed(byName), []);
    assert.deepEqual(await listed(byMissing), [task.id]);
    assert.equal((await send('POST', `/users/${user.id}/restore`)).status, 200);
    assert.deepEqual(await listed(byName), [task.id]);
  });

  test('a cached list filtered over a relation follows a write of the related row', async () => {
    const user = await createUser('renamed-owner');
    const task = await created<Task>('/tasks', { title: 'follows rename', projectId, assigneeId: user.id });
    const byName = (name: string) => `/tasks?filter[assignee.displayName][eq]=${name}`;
    assert.deepEqual(await listed(byName('renamed-owner')), [task.id]);
    assert.deepEqual(await listed(byName('new-name')), []);
    const renamed = await send('PATCH', `/users/${user.id}`, { displayName: 'new-name' });
    assert.equal(renamed.status, 200, renamed.text);
    assert.deepEqual(await listed(byName('renamed-owner')), []);
    assert.deepEqual(await listed(byName('new-name')), [task.id]);
  });

  // Not about soft delete: the example backend is the one with integer keys (tags), booted here once.
  test('a bulk delete of integer keys takes integers in the column range, each bad one named', async () => {
    const tags = await send<{ data: { id: number }[] }>('POST', '/tags/bulk', {
      data: [
        { label: 'int-1', organizationId },
        { label: 'int-2', organizationId },
      ],
    });
    assert.equal(tags.status, 201, tags.text);
    const ids = tags.body.data.map((tag) => tag.id);
    assert.ok(ids.every(Number.isInteger));
    const bad = assertProblem(await send('POST', '/tags/bulk-delete', { ids: [ids[0], '2', 1.5, 2 ** 31] }), 400);
    const requirement = 'must be an integer from -2147483648 to 2147483647';
    assert.deepEqual(bad.fields, [
      { field: 'ids', errors: [`ids[1] ${requirement}; ids[2] ${requirement}; ids[3] ${requirement}`] },
    ]);
    assert.equal((await send('POST', '/tags/bulk-delete', { ids })).status, 204);
    for (const id of ids) assertProblem(await send('GET', `/tags/${id}`), 404);
  });

  test('bulk delete soft-deletes every row; each can be restored and the cache follows', async () => {
    const users = [await createUser('bulk-soft-1'), await createUser('bulk-soft-2')];
    const live = '/users?filter[displayName][startsWith]=bulk-soft-';
    assert.equal((await listed(live)).length, 2);
    for (const user of users) assert.equal((await send('GET', `/users/${user.id}`)).status, 200);
    const answer = await send('POST', '/users/bulk-delete', { ids: users.map((user) => user.id) });
    assert.equal(answer.status, 204, answer.text);
    assert.deepEqual(await listed(live), []);
    for (const user of users) assertProblem(await send('GET', `/users/${user.id}`), 404);
    assert.equal((await listed('/users/deleted?filter[displayName][startsWith]=bulk-soft-')).length, 2);
    for (const user of users) assert.equal((await send('POST', `/users/${user.id}/restore`)).status, 200);
    assert.equal((await listed(live)).length, 2);
  });
});
