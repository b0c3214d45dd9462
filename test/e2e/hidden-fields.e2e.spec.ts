import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connectRedis, type RedisClient } from '../platform/support/fixture-app';
import { bearer } from '../support/example-auth';
import { bootExampleBackend, type ExampleBackend } from '../support/example-backend';
import type { HttpResult } from '../support/http';
import { assertProblem } from '../support/problem';

/**
 * Write-only and hidden fields in the example backend: Organization.webhookSecret is write-only (a
 * client sets it, nothing answers it; organizations are cached), User.passwordHash is hidden (user
 * code only; users embed their organization and organizations their members).
 */
const REDIS_DATABASE = 3;

describe('write-only and hidden fields (real Postgres and Redis)', () => {
  let backend: ExampleBackend;
  let redis: RedisClient;
  /** Requests act as the backend's tenant, whose token holds the operator role organizations need. */
  const send = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    backend.send(method, path, body, headers);
  type Send = (method: string, path: string, body?: unknown) => Promise<HttpResult>;

  /**
   * A client acting as an admin of this organization: users are scoped by organization and written
   * by its admins. It is an operator too, so it reads the organization with its members (its own).
   */
  async function memberOf(organizationId: string): Promise<Send> {
    const headers = await bearer({ sub: randomUUID(), org_id: organizationId, roles: ['admin', 'operator'] });
    return (method, path, body) => send(method, path, body, headers);
  }

  before(async () => {
    backend = await bootExampleBackend('apso_hidden_fields', REDIS_DATABASE);
    redis = connectRedis(REDIS_DATABASE);
    await redis.connect();
  });

  after(async () => {
    if (redis?.isOpen) await redis.quit();
    await backend?.stop();
  });

  const secret = () => `whsec-${randomUUID()}`;
  const organizationBody = (extra: Record<string, unknown> = {}) => ({
    name: 'Acme',
    slug: `acme-${randomUUID().slice(0, 8)}`,
    ...extra,
  });

  async function created(path: string, body: unknown, as: Send = send): Promise<Record<string, any>> {
    const answer = await as('POST', path, body);
    assert.equal(answer.status, 201, answer.text);
    return answer.body;
  }

  async function storedSecret(organizationId: string): Promise<string | null> {
    const { rows } = await backend.sql.query<{ webhook_secret: string | null }>(
      'SELECT webhook_secret FROM organizations WHERE id = $1',
      [organizationId],
    );
    return rows[0].webhook_secret;
  }

  /** No answer names the property, at any depth, nor carries the value. */
  function leaksNothing(answer: HttpResult, property: string, value?: string): void {
    assert.ok(answer.status < 300, answer.text);
    assert.doesNotMatch(answer.text, new RegExp(`"${property}"`), `${property} is not answered: ${answer.text}`);
    if (value !== undefined) assert.ok(!answer.text.includes(value), `the value is not answered: ${answer.text}`);
  }

  test('a write-only field is taken by POST and stored, and no answer carries it', async () => {
    const value = secret();
    const post = await send('POST', '/organizations', organizationBody({ webhookSecret: value }));
    assert.equal(post.status, 201, post.text);
    leaksNothing(post, 'webhookSecret', value);
    assert.equal(await storedSecret(post.body.id), value);
    leaksNothing(await send('GET', `/organizations/${post.body.id}`), 'webhookSecret', value);
    leaksNothing(await send('GET', `/organizations/${post.body.id}`), 'webhookSecret', value); // from the cache
    leaksNothing(await send('GET', `/organizations?filter[id][eq]=${post.body.id}`), 'webhookSecret', value);
    leaksNothing(await send('GET', `/organizations?filter[id][eq]=${post.body.id}`), 'webhookSecret', value);
  });

  test('PATCH changes it and clears it with null; PUT keeps it when left out and sets it when sent', async () => {
    const organization = await created('/organizations', organizationBody({ webhookSecret: secret() }));
    const path = `/organizations/${organization.id}`;
    const changed = secret();
    const patch = await send('PATCH', path, { webhookSecret: changed });
    leaksNothing(patch, 'webhookSecret', changed);
    assert.equal(await storedSecret(organization.id), changed);

    const { id, createdAt, updatedAt, ...writable } = patch.body;
    const put = await send('PUT', path, { ...writable, name: 'Acme renamed' });
    leaksNothing(put, 'webhookSecret', changed);
    assert.equal(put.body.name, 'Acme renamed');
    assert.equal(await storedSecret(organization.id), changed, 'a PUT without it keeps it');

    const replaced = secret();
    leaksNothing(await send('PUT', path, { ...writable, webhookSecret: replaced }), 'webhookSecret', replaced);
    assert.equal(await storedSecret(organization.id), replaced);

    leaksNothing(await send('PATCH', path, { webhookSecret: null }), 'webhookSecret');
    assert.equal(await storedSecret(organization.id), null);
  });

  test('a bulk create takes it for every item and answers none', async () => {
    const values = [secret(), secret()];
    const bulk = await send('POST', '/organizations/bulk', {
      data: values.map((webhookSecret) => organizationBody({ webhookSecret })),
    });
    assert.equal(bulk.status, 201, bulk.text);
    for (const value of values) leaksNothing(bulk, 'webhookSecret', value);
    assert.deepEqual(await Promise.all(bulk.body.data.map((row: { id: string }) => storedSecret(row.id))), values);
  });

  test('it cannot be filtered, sorted (so no cursor holds it) or selected with fields: a 400 naming the parameter', async () => {
    const value = secret();
    await created('/organizations', organizationBody({ webhookSecret: value }));
    const refusals: [string, string][] = [
      [`/organizations?filter[webhookSecret][eq]=${value}`, 'filter'],
      ['/organizations?filter[webhookSecret][null]=true', 'filter'],
      ['/organizations?sort=webhookSecret', 'sort'],
      ['/organizations?sort=-webhookSecret', 'sort'],
      ['/organizations?fields=id,webhookSecret', 'fields'],
      [`/organizations/${randomUUID()}?fields=webhookSecret`, 'fields'],
      // Under auth no relation filter reaches organizations (their reads need the operator role, stricter
      // than users'), so this one is refused as any organization.<field> filter is: still a 400, not
      // one about write-only fields any more.
      [`/users?filter[organization.webhookSecret][eq]=${value}`, 'filter'],
    ];
    for (const [path, parameter] of refusals) {
      const refused = assertProblem(await send('GET', path), 400, path);
      assert.ok(
        refused.fields.some((field: { field: string }) => field.field.startsWith(parameter)),
        `${path}: ${JSON.stringify(refused.fields)}`,
      );
    }
  });

  test('a hidden field is refused in every body, as an unknown property is', async () => {
    const organization = await created('/organizations', organizationBody());
    const admin = await memberOf(organization.id);
    const user = await created(
      '/users',
      { email: `ada-${randomUUID()}@example.com`, displayName: 'Ada', organizationId: organization.id },
      admin,
    );
    const writes: [string, string, unknown][] = [
      [
        'POST',
        '/users',
        {
          email: `grace-${randomUUID()}@example.com`,
          displayName: 'Grace',
          organizationId: organization.id,
          passwordHash: 'x',
        },
      ],
      ['PATCH', `/users/${user.id}`, { passwordHash: 'x' }],
      [
        'PUT',
        `/users/${user.id}`,
        { email: user.email, displayName: 'Ada', organizationId: organization.id, passwordHash: 'x' },
      ],
      [
        'POST',
        '/users/bulk',
        {
          data: [
            {
              email: `b-${randomUUID()}@example.com`,
              displayName: 'B',
              organizationId: organization.id,
              passwordHash: 'x',
            },
          ],
        },
      ],
    ];
    for (const [method, path, body] of writes) {
      const refused = assertProblem(await admin(method, path, body), 400, `${method} ${path}`);
      assert.match(JSON.stringify(refused.fields), /passwordHash/, `${method} ${path}`);
    }
    const { rows } = await backend.sql.query('SELECT count(*)::int AS n FROM users WHERE password_hash IS NOT NULL');
    assert.equal(rows[0].n, 0, 'nothing was written');
  });

  test('a hidden value user code stored is in no answer: GET, list, include, writes, the cache', async () => {
    const organization = await created('/organizations', organizationBody({ webhookSecret: secret() }));
    const member = await memberOf(organization.id);
    const user = await created(
      '/users',
      { email: `hash-${randomUUID()}@example.com`, displayName: 'Hash', organizationId: organization.id },
      member,
    );
    const hash = `$argon2id$${randomUUID()}`;
    await backend.sql.query('UPDATE users SET password_hash = $1 WHERE id = $2', [hash, user.id]);
    // A user cannot embed its organization any more: organizations' reads need the operator role,
    // which users' reads do not, and an include never hands out rows the target's own routes refuse.
    const embedsOrganization = assertProblem(await member('GET', `/users/${user.id}?include=organization`), 400);
    assert.match(JSON.stringify(embedsOrganization.fields), /has no relation organization to include/);
    const reads = [
      `/users/${user.id}`,
      `/users?filter[id][eq]=${user.id}`,
      `/users?filter[id][eq]=${user.id}&include=profile`,
      `/organizations/${organization.id}?include=members`,
      `/organizations?filter[id][eq]=${organization.id}&include=members`,
    ];
    for (const path of reads) {
      for (const round of ['first', 'cached']) {
        const answer = await member('GET', path);
        leaksNothing(answer, 'passwordHash', hash);
        leaksNothing(answer, 'webhookSecret');
        assert.ok(answer.text.includes(user.id), `${round} ${path}: ${answer.text}`);
      }
    }
    const embedded = await member('GET', `/organizations/${organization.id}?include=members`);
    assert.deepEqual(
      embedded.body.members.map((member: { id: string }) => member.id),
      [user.id],
    );
    leaksNothing(await member('PATCH', `/users/${user.id}`, { displayName: 'Hashed' }), 'passwordHash', hash);
    assertProblem(await member('GET', `/users?filter[passwordHash][eq]=${encodeURIComponent(hash)}`), 400);
    assertProblem(await member('GET', '/users?sort=passwordHash'), 400);
    const { rows } = await backend.sql.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    assert.equal(rows[0].password_hash, hash, 'a write through the API leaves it as user code set it');
  });

  test('the cache holds neither value', async () => {
    const value = secret();
    const organization = await created('/organizations', organizationBody({ webhookSecret: value }));
    const hash = `$2b$${randomUUID()}`;
    const member = await memberOf(organization.id);
    const user = await created(
      '/users',
      { email: `c-${randomUUID()}@example.com`, displayName: 'C', organizationId: organization.id },
      member,
    );
    await backend.sql.query('UPDATE users SET password_hash = $1 WHERE id = $2', [hash, user.id]);
    for (const path of [
      `/organizations/${organization.id}`,
      `/organizations/${organization.id}?include=members`,
      '/organizations',
      `/users/${user.id}`,
    ])
      assert.equal((await member('GET', path)).status, 200, path);
    const keys = await redis.keys('*');
    let answers = 0;
    for (const key of keys) {
      if ((await redis.type(key)) !== 'string') continue;
      const stored = (await redis.get(key)) ?? '';
      if (stored.includes(organization.id)) answers += 1;
      assert.ok(!stored.includes(value) && !stored.includes('webhookSecret'), `${key} holds the secret`);
      assert.ok(!stored.includes(hash) && !stored.includes('passwordHash'), `${key} holds the hash`);
    }
    assert.ok(answers >= 3, `the answers were cached (${answers} of ${keys.length} keys)`);
  });

  test('If-Match with the ETag a GET answered holds: the write locks the row as answered', async () => {
    const organization = await created('/organizations', organizationBody({ webhookSecret: secret() }));
    const read = await send('GET', `/organizations/${organization.id}`);
    const etag = read.headers.get('etag')!;
    const patch = await send('PATCH', `/organizations/${organization.id}`, { seats: 9 }, { 'if-match': etag });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.headers.get('etag') === etag, false);
    const stale = await send('PATCH', `/organizations/${organization.id}`, { seats: 10 }, { 'if-match': etag });
    assertProblem(stale, 412);
  });

  test('the OpenAPI document answers neither, and marks the write-only one writeOnly in request bodies', async () => {
    const document = (await send('GET', '/openapi.json')).body;
    const schemas = document.components.schemas as Record<string, { properties: Record<string, any> }>;
    assert.ok(schemas.Organization && schemas.User, Object.keys(schemas).join(', '));
    for (const [name, schema] of Object.entries(schemas)) {
      const properties = Object.keys(schema.properties ?? {});
      assert.ok(!properties.includes('passwordHash'), `${name} names passwordHash`);
      if (!/^(Create|Replace|Update|BulkCreate)\w*Dto$/.test(name))
        assert.ok(!properties.includes('webhookSecret'), `${name} names webhookSecret`);
    }
    for (const body of ['CreateOrganizationDto', 'UpdateOrganizationDto'])
      assert.equal(schemas[body].properties.webhookSecret.writeOnly, true, body);
    assert.deepEqual(document.paths['/organizations/{id}'].get.responses['200'].content['application/json'].schema, {
      $ref: '#/components/schemas/Organization',
    });
    const members = schemas.Organization.properties.members;
    assert.equal(members.items.$ref, '#/components/schemas/User', JSON.stringify(members));
  });
});
