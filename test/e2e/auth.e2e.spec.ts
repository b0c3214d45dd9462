import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { kebabCase, plural } from '../../generator/src/model/naming';
import { compiledProject } from '../platform/support/compiled';
import { http, type HttpResult } from '../support/http';
import { metricValue } from '../support/metrics';
import { assertProblem } from '../support/problem';
import { assertProperty } from '../support/property';
import { APSO_BIN, REPO_ROOT } from '../support/repository';
import {
  createDatabase,
  emptyRedis,
  type RunningApp,
  runScript,
  startApp,
  type TestDatabase,
} from '../support/services';

/**
 * A project generated from auth.schema.apso.json (notes: public list, editor-only create, admin-only
 * delete, the rest authenticated; secrets: every operation authenticated), built and run as real
 * processes against a JWKS server this test starts, and once with a shared secret. The schema also
 * accepts API keys in X-Service-Key: keys minted with `apso api-key` into the file AUTH_API_KEYS_FILE names.
 */
const REDIS_DATABASE = 7;
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'apso-auth-test';
const JWKS_TIMEOUT_MS = 500;
const KEY_HEADER = 'x-service-key';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly pair: KeyPair;
}

/** A JWKS endpoint whose keys the test swaps, and which can be told to never answer. */
class JwksServer {
  keys: JWK[] = [];
  hang = false;
  fetches = 0;
  private readonly held: ServerResponse[] = [];
  private readonly server: Server = createServer((_request, response) => {
    this.fetches += 1;
    if (this.hang) {
      this.held.push(response);
      return;
    }
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: this.keys }));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  return { kid, alg, pair: await generateKeyPair(alg, { extractable: true }) };
}

async function publicJwk(key: SigningKey): Promise<JWK> {
  return { ...(await exportJWK(key.pair.publicKey)), kid: key.kid, alg: key.alg, use: 'sig' };
}

const now = () => Math.floor(Date.now() / 1000);

/** A token as an identity provider would issue it for this app, with `changes` applied to the claims. */
function sign(key: SigningKey, claims: JWTPayload = {}): Promise<string> {
  return new SignJWT({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 300, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(key.pair.privateKey);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const withRoles = (...roles: string[]) => ({ realm_access: { roles } });

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * The property's oracle, from the fixture schema itself and docs/auth.md's table of which access key
 * governs which route (never from the generated code): a route's rule is its entity's rule for that
 * key, or `authenticated` when the entity says nothing.
 */
const SCHEMA = JSON.parse(readFileSync(join(__dirname, 'auth.schema.apso.json'), 'utf8')) as {
  auth: { jwt: { rolesClaim: string; clockToleranceSeconds: number } };
  entities: {
    name: string;
    softDelete?: boolean;
    fields: { name: string }[];
    access?: Partial<Record<AccessKey, AccessRule>>;
  }[];
};
type AccessKey = 'list' | 'read' | 'create' | 'update' | 'delete';
type AccessRule = 'public' | 'authenticated' | { roles: string[] };

/** docs/auth.md: the routes of an entity, the access key of each, and those only softDelete adds. */
const ROUTE_TABLE = [
  { operation: 'list', key: 'list', method: 'GET', suffix: '' },
  { operation: 'listDeleted', key: 'list', method: 'GET', suffix: '/deleted', softDelete: true },
  { operation: 'get', key: 'read', method: 'GET', suffix: '/{id}' },
  { operation: 'create', key: 'create', method: 'POST', suffix: '', body: 'one' },
  { operation: 'createMany', key: 'create', method: 'POST', suffix: '/bulk', body: 'many' },
  { operation: 'update', key: 'update', method: 'PATCH', suffix: '/{id}', body: 'one' },
  { operation: 'replace', key: 'update', method: 'PUT', suffix: '/{id}', body: 'one' },
  { operation: 'restore', key: 'update', method: 'POST', suffix: '/{id}/restore', softDelete: true },
  { operation: 'remove', key: 'delete', method: 'DELETE', suffix: '/{id}' },
  { operation: 'removeMany', key: 'delete', method: 'POST', suffix: '/bulk-delete', body: 'ids' },
] as const;

interface E2eRoute {
  readonly entity: string;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly rule: AccessRule;
  readonly body?: (id: string) => unknown;
}

/** Every route the schema's entities get, with the rule the oracle expects on it. */
function schemaRoutes(): E2eRoute[] {
  return SCHEMA.entities.flatMap((entity) => {
    const resource = `/${kebabCase(plural(entity.name))}`;
    const one = { [entity.fields[0]!.name]: 'written by the property' };
    const bodies = { one: () => one, many: () => ({ data: [one] }), ids: (id: string) => ({ ids: [id] }) };
    return ROUTE_TABLE.filter((route) => !('softDelete' in route) || entity.softDelete === true).map((route) => ({
      entity: entity.name,
      operation: route.operation,
      method: route.method,
      path: resource + route.suffix,
      rule: entity.access?.[route.key] ?? 'authenticated',
      ...('body' in route ? { body: bodies[route.body] } : {}),
    }));
  });
}

function rolesOf(rule: AccessRule): readonly string[] {
  return typeof rule === 'object' ? rule.roles : [];
}

type E2eTokenKind =
  'valid' | 'expired' | 'notYetValid' | 'wrongIssuer' | 'wrongAudience' | 'unknownKid' | 'algNone' | 'hsWithPublicKey';

type E2eCredential =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic' }
  /** A valid token under a scheme that is not Bearer: no token at all. */
  | { readonly kind: 'jwtScheme' }
  | { readonly kind: 'garbage'; readonly token: string }
  | {
      readonly kind: 'token';
      readonly token: E2eTokenKind;
      readonly placement: 'configured' | 'elsewhere' | 'absent';
      readonly roles: unknown;
    };

/** Role names near `required` (case, spaces, a dotted or coloned prefix) and the roles of every rule of the schema. */
function e2eCredential(required: readonly string[]): fc.Arbitrary<E2eCredential> {
  const schemaRoles = SCHEMA.entities.flatMap((entity) => Object.values(entity.access ?? {}).flatMap(rolesOf));
  const names = [...schemaRoles, 'reader', 'Admin', 'editor ', 'realm:admin', 'org.editor', 'rôle'];
  const role = fc.oneof(fc.constantFrom(...names), ...(required.length > 0 ? [fc.constantFrom(...required)] : []));
  const roles = fc.oneof(
    { weight: 4, arbitrary: fc.uniqueArray(role, { maxLength: 3 }) },
    role,
    fc.integer(),
    fc.constant(null),
    fc.dictionary(role, role, { maxKeys: 1 }),
  );
  return fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.constant({ kind: 'basic' as const }),
    fc.constant({ kind: 'jwtScheme' as const }),
    fc
      .oneof(fc.constantFrom('', 'a.b.c', 'two parts'), fc.string({ minLength: 1, maxLength: 30 }).map(asciiOnly))
      .map((token) => ({ kind: 'garbage' as const, token })),
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('token' as const),
        token: fc.oneof(
          { weight: 8, arbitrary: fc.constant('valid' as const) },
          fc.constantFrom<E2eTokenKind>(
            'expired',
            'notYetValid',
            'wrongIssuer',
            'wrongAudience',
            'unknownKid',
            'algNone',
            'hsWithPublicKey',
          ),
        ),
        placement: fc.oneof(
          { weight: 4, arbitrary: fc.constant('configured' as const) },
          fc.constantFrom('elsewhere' as const, 'absent' as const),
        ),
        roles,
      }),
    },
  );
}

/** Printable ASCII only: a header cannot carry the rest. */
function asciiOnly(text: string): string {
  return text.replace(/[^\x21-\x7e]/g, 'x');
}

/** docs/auth.md's answers: pass, a 401 `missing` (bare challenge) or `invalid`, or a 403. */
function e2eOutcome(rule: AccessRule, credential: E2eCredential): 'pass' | 'missing' | 'invalid' | 403 {
  if (rule === 'public') return 'pass';
  if (credential.kind === 'none' || credential.kind === 'basic' || credential.kind === 'jwtScheme') return 'missing';
  if (credential.kind === 'garbage' || credential.token !== 'valid') return 'invalid';
  if (rule === 'authenticated') return 'pass';
  const granted =
    credential.placement !== 'configured'
      ? []
      : typeof credential.roles === 'string'
        ? [credential.roles]
        : Array.isArray(credential.roles)
          ? credential.roles.filter((value) => typeof value === 'string')
          : [];
  return rule.roles.some((role) => granted.includes(role)) ? 'pass' : 403;
}

/** The Authorization header a credential sends, with its token where it has one. */
function e2eHeader(credential: E2eCredential, token: string | undefined): string | undefined {
  switch (credential.kind) {
    case 'none':
      return undefined;
    case 'basic':
      return 'Basic dXNlcjpwYXNz';
    case 'jwtScheme':
      return `JWT ${token}`;
    case 'garbage':
      return `Bearer ${credential.token}`;
    case 'token':
      return `Bearer ${token}`;
  }
}

/** The claims carrying `roles` where the schema's rolesClaim (a dotted path) points, or elsewhere. */
function rolesPayload(credential: Extract<E2eCredential, { kind: 'token' }>): JWTPayload {
  if (credential.placement === 'absent') return {};
  const claim = SCHEMA.auth.jwt.rolesClaim;
  if (credential.placement === 'elsewhere')
    return claim === 'groups' ? { roles: credential.roles } : { groups: credential.roles };
  return claim.split('.').reduceRight<unknown>((value, part) => ({ [part]: value }), credential.roles) as JWTPayload;
}

/** `apso api-key` run in the generated project (its schema names the roles claim); returns the key it printed once. */
function mintKey(project: string, file: string, id: string, ...options: string[]): string {
  const run = spawnSync(process.execPath, [APSO_BIN, 'api-key', '--id', id, '--file', file, ...options], {
    cwd: join(project, 'project'),
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '', 'the schema of the generated project names the roles claim and accepts keys');
  const key = /^apso_[A-Za-z0-9_-]{43}$/m.exec(run.stdout)?.[0];
  assert.ok(key, run.stdout);
  return key;
}

describe('authentication and access rules (a generated app, real JWKS server, PostgreSQL and Redis)', () => {
  let project: string;
  let database: TestDatabase;
  let baseEnv: Record<string, string>;
  const jwks = new JwksServer();
  let app: RunningApp;
  let first: SigningKey;
  let rotated: SigningKey;
  let keysFile: string;
  const keys: Record<'admin' | 'editor' | 'plain' | 'expired', string> = {
    admin: '',
    editor: '',
    plain: '',
    expired: '',
  };

  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    http(app.baseUrl, method, path, body, headers);
  const failures = (reason: string) => metricValue(app.baseUrl, `auth_failures_total{reason="${reason}"}`);

  /** The schema's routes, checked against the app's own OpenAPI document: the property covers every one. */
  async function generatedRoutes(): Promise<E2eRoute[]> {
    const routes = schemaRoutes();
    const document = (await send('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const resources = new Set(routes.map((route) => route.path.split('/')[1]));
    const documented = Object.entries(document.paths)
      .filter(([path]) => resources.has(path.split('/')[1]!))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    assert.deepEqual(routes.map((route) => `${route.method} ${route.path}`).sort(), documented.sort());
    return routes;
  }

  /** The token a credential carries, signed as its kind says (undefined: it carries none of its own). */
  async function e2eToken(
    credential: E2eCredential,
    keys: { stranger: SigningKey; publicPem: string },
  ): Promise<string | undefined> {
    if (credential.kind === 'jwtScheme') return sign(first);
    if (credential.kind !== 'token') return undefined;
    const claims = rolesPayload(credential);
    const beyond = SCHEMA.auth.jwt.clockToleranceSeconds + 60;
    switch (credential.token) {
      case 'valid':
        return sign(first, claims);
      case 'expired':
        return sign(first, { ...claims, iat: now() - 3600, exp: now() - beyond });
      case 'notYetValid':
        return sign(first, { ...claims, nbf: now() + beyond });
      case 'wrongIssuer':
        return sign(first, { ...claims, iss: 'https://someone-else.test' });
      case 'wrongAudience':
        return sign(first, { ...claims, aud: 'another-app' });
      case 'unknownKid':
        return sign(keys.stranger, claims);
      case 'algNone':
        return `${base64url({ alg: 'none', kid: first.kid })}.${base64url({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: now() + 300, ...claims })}.`;
      case 'hsWithPublicKey':
        return new SignJWT({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: now() + 300, ...claims })
          .setProtectedHeader({ alg: 'HS256', kid: first.kid })
          .sign(new TextEncoder().encode(keys.publicPem));
    }
  }

  /** A 401 whose challenge is RFC 6750's: no error without a token, invalid_token with a bad one. */
  function assertUnauthorized(answer: HttpResult, error: 'none' | 'invalid_token'): void {
    assertProblem(answer, 401);
    const challenge = answer.headers.get('www-authenticate') ?? '';
    if (error === 'none') assert.equal(challenge, 'Bearer');
    else assert.match(challenge, /^Bearer error="invalid_token", error_description="[^"]+"$/);
  }

  /** The request is refused with a 401 and counted under `reason`. */
  async function refusedFor(reason: string, token: string): Promise<void> {
    const before = await failures(reason);
    assertUnauthorized(await send('GET', '/secrets', bearer(token)), 'invalid_token');
    assert.equal(await failures(reason), before + 1, `auth_failures_total{reason="${reason}"}`);
  }

  before(async () => {
    project = compiledProject(join(__dirname, 'auth.schema.apso.json'), 'auth-fixture');
    first = await signingKey('first', 'RS256');
    rotated = await signingKey('rotated', 'ES256');
    jwks.keys = [await publicJwk(first)];
    const jwksUrl = await jwks.start();
    database = await createDatabase('apso_auth');
    keysFile = join(project, 'api-keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: [] }));
    keys.admin = mintKey(project, keysFile, 'ci-admin', '--role', 'admin', '--claim', 'org_id=acme');
    keys.editor = mintKey(project, keysFile, 'ci-editor', '--role', 'editor', '--expires', '2099-01-01T00:00:00Z');
    keys.plain = mintKey(project, keysFile, 'reporting');
    // Written by hand, as the format is documented: `apso api-key` refuses an expiry already past.
    keys.expired = `apso_${randomBytes(32).toString('base64url')}`;
    const file = JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: object[] };
    const sha256 = createHash('sha256').update(keys.expired).digest('hex');
    file.keys.push({
      id: 'retired',
      sha256,
      claims: { realm_access: { roles: ['admin'] } },
      expiresAt: '2020-01-01T00:00:00Z',
    });
    writeFileSync(keysFile, JSON.stringify(file));
    baseEnv = {
      DATABASE_URL: database.url,
      REDIS_URL: await emptyRedis(REDIS_DATABASE),
      AUTH_API_KEYS_FILE: keysFile,
    };
    await runScript(join(project, 'dist', 'src', 'migrate.js'), baseEnv);
    app = await startApp(join(project, 'dist', 'src', 'main.js'), {
      ...baseEnv,
      AUTH_JWKS_URL: jwksUrl,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
      AUTH_JWKS_TIMEOUT_MS: String(JWKS_TIMEOUT_MS),
      // A token with a kid the cached set lacks refetches it at once (rotation), as the hung-server test needs too.
      AUTH_JWKS_COOLDOWN_MS: '0',
      // Every request is logged, so that the API key test can check no key ever reaches a log line.
      LOG_LEVEL: 'trace',
    });
  });

  after(async () => {
    await app?.stop();
    await jwks.stop();
    await database?.drop();
  });

  test('no token: 401 with a bare Bearer challenge, counted as missing; platform routes stay public', async () => {
    const before = await failures('missing');
    assertUnauthorized(await send('GET', '/secrets'), 'none');
    assertUnauthorized(await send('POST', '/secrets', {}, { label: 'x' }), 'none');
    assertUnauthorized(await send('GET', '/notes/1'), 'none');
    assertUnauthorized(await send('GET', '/secrets', { authorization: 'Basic dXNlcjpwYXNz' }), 'none');
    assert.equal(await failures('missing'), before + 4);
    assert.equal((await send('GET', '/health/ready')).status, 200);
    assert.equal((await send('GET', '/openapi.json')).status, 200);
  });

  test('a public rule answers anonymously, and a valid token still works there', async () => {
    assert.equal((await send('GET', '/notes')).status, 200);
    assert.equal((await send('GET', '/notes/deleted')).status, 200);
    assert.equal((await send('GET', '/notes', bearer(await sign(first)))).status, 200);
  });

  test('a valid token: 200, and a cached authenticated answer is private', async () => {
    const token = await sign(first, withRoles('editor'));
    const created = await send('POST', '/notes', bearer(token), { title: 'hello' });
    assert.equal(created.status, 201, created.text);
    // Refused before the cache interceptor: the miss is not even counted.
    const misses = () => metricValue(app.baseUrl, 'cache_misses_total{resource="notes"}');
    const missesBefore = await misses();
    assertUnauthorized(await send('GET', `/notes/${created.body.id}`), 'none');
    assert.equal(await misses(), missesBefore);
    const read = await send('GET', `/notes/${created.body.id}`, bearer(token));
    assert.equal(read.status, 200, read.text);
    assert.match(read.headers.get('cache-control') ?? '', /private/);
    assert.equal((await send('GET', '/secrets', bearer(await sign(first)))).status, 200);
  });

  test('a role rule: 403 without the role (counted as forbidden), the operation with it', async () => {
    const editor = await sign(first, withRoles('editor'));
    const note = (await send('POST', '/notes', bearer(editor), { title: 'to delete' })).body as { id: string };
    const before = await failures('forbidden');
    assertProblem(await send('POST', '/notes', bearer(await sign(first)), { title: 'no role' }), 403);
    assertProblem(await send('DELETE', `/notes/${note.id}`, bearer(editor)), 403);
    assertProblem(await send('POST', '/notes/bulk-delete', bearer(editor), { ids: [note.id] }), 403);
    assert.equal(await failures('forbidden'), before + 3);
    // A roles claim at the top level is not the configured realm_access.roles.
    assertProblem(await send('DELETE', `/notes/${note.id}`, bearer(await sign(first, { roles: ['admin'] }))), 403);
    const admin = await sign(first, withRoles('reader', 'admin'));
    assert.equal((await send('DELETE', `/notes/${note.id}`, bearer(admin))).status, 204);
  });

  test("arbitrary entity, route and credential: the status the schema's access rules predict (fast-check)", async (t) => {
    const routes = await generatedRoutes();
    const stranger = await signingKey('never-published-either', 'ES256');
    const publicPem = await exportSPKI(first.pair.publicKey);
    const seen = new Set<string>();
    const request = fc
      .constantFrom(...routes)
      .chain((route) => fc.tuple(fc.constant(route), e2eCredential(rolesOf(route.rule)), fc.uuid({ version: 4 })));
    await assertProperty(
      t,
      { prefix: 'ACCESS_E2E', runs: 300, file: 'test/e2e/auth.e2e.spec.ts' },
      fc.asyncProperty(request, async ([route, credential, id]) => {
        const token = await e2eToken(credential, { stranger, publicPem });
        const header = e2eHeader(credential, token);
        const answer = await send(
          route.method,
          route.path.replace('{id}', id),
          header === undefined ? {} : { authorization: header },
          route.body?.(id),
        );
        const expected = e2eOutcome(route.rule, credential);
        seen.add(String(expected));
        const what = `${route.method} ${route.path} (${route.entity} ${route.operation}, rule ${JSON.stringify(route.rule)}) with ${JSON.stringify(credential)}: ${answer.status} ${answer.text}`;
        if (expected === 'pass') {
          assert.ok(answer.status !== 401 && answer.status !== 403 && answer.status < 500, what);
        } else if (expected === 403) {
          assertProblem(answer, 403, what);
        } else {
          assert.equal(answer.status, 401, what);
          assertUnauthorized(answer, expected === 'missing' ? 'none' : 'invalid_token');
        }
        if (token !== undefined) {
          const echoed = [answer.text, ...answer.headers.values()].filter((text) => text.includes(token));
          assert.deepEqual(echoed, [], `the token is never echoed: ${what}`);
        }
      }),
    );
    if (process.env.ACCESS_E2E_PATH === undefined)
      assert.deepEqual([...seen].sort(), ['403', 'invalid', 'missing', 'pass'], 'the runs met every kind of answer');
  });

  test('garbage, expired, not yet valid, wrong issuer and wrong audience: 401 invalid_token, each counted by reason', async () => {
    await refusedFor('invalid', 'not-a-token');
    await refusedFor('invalid', 'two parts');
    await refusedFor('invalid', `${await sign(first)}x`);
    // Beyond the schema's 5 s of clock tolerance.
    await refusedFor('expired', await sign(first, { iat: now() - 600, exp: now() - 60 }));
    await refusedFor('not_yet_valid', await sign(first, { nbf: now() + 60 }));
    await refusedFor('wrong_issuer', await sign(first, { iss: 'https://someone-else.test' }));
    await refusedFor('wrong_audience', await sign(first, { aud: 'another-app' }));
    // Within the tolerance: accepted.
    assert.equal((await send('GET', '/secrets', bearer(await sign(first, { exp: now() - 2 })))).status, 200);
  });

  test('alg confusion: an HS256 token keyed with the public key, and alg none, are refused', async () => {
    const publicPem = await exportSPKI(first.pair.publicKey);
    const confused = await new SignJWT({ sub: 'attacker', iss: ISSUER, aud: AUDIENCE, exp: now() + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: first.kid })
      .sign(new TextEncoder().encode(publicPem));
    await refusedFor('invalid', confused);
    const none = `${base64url({ alg: 'none', kid: first.kid })}.${base64url({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: now() + 300 })}.`;
    await refusedFor('invalid', none);
  });

  test('key rotation: a token signed with a key the JWKS now serves is accepted; an unknown kid is 401', async () => {
    const unknown = await signingKey('never-published', 'RS256');
    await refusedFor('invalid', await sign(unknown));
    jwks.keys = [await publicJwk(first), await publicJwk(rotated)];
    assert.equal((await send('GET', '/secrets', bearer(await sign(rotated)))).status, 200);
    jwks.keys = [await publicJwk(rotated)];
    // A kid the cached set lacks makes the app fetch the set again, which also drops the retired key.
    const fetches = jwks.fetches;
    await refusedFor('invalid', await sign(unknown));
    assert.ok(jwks.fetches > fetches, 'the unknown kid made the app fetch the set again');
    await refusedFor('invalid', await sign(first));
    assert.equal((await send('GET', '/secrets', bearer(await sign(rotated)))).status, 200);
  });

  test('a JWKS server that never answers: a bounded 503 with Retry-After, counted as unavailable', async () => {
    const stranger = await signingKey('while-hung', 'ES256');
    jwks.hang = true;
    try {
      const before = await failures('unavailable');
      const started = Date.now();
      const answer = await send('GET', '/secrets', bearer(await sign(stranger)));
      const elapsed = Date.now() - started;
      assertProblem(answer, 503);
      assert.ok(answer.headers.get('retry-after'));
      assert.ok(elapsed < JWKS_TIMEOUT_MS + 2_000, `answered after ${elapsed} ms`);
      assert.equal(await failures('unavailable'), before + 1);
    } finally {
      jwks.hang = false;
    }
  });

  test('the OpenAPI document: bearerAuth or apiKeyAuth on protected operations, empty on public ones', async () => {
    const document = (await send('GET', '/openapi.json')).body;
    assert.deepEqual(document.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'A JWT in `Authorization: Bearer <token>` (docs/auth.md).',
    });
    assert.deepEqual(document.paths['/notes'].get.security, []);
    assert.deepEqual(document.paths['/health/ready'].get.security, []);
    assert.deepEqual(document.components.securitySchemes.apiKeyAuth, {
      type: 'apiKey',
      in: 'header',
      name: KEY_HEADER,
      description: `An API key in the \`${KEY_HEADER}\` header, instead of a bearer token (docs/auth.md#api-keys).`,
    });
    // Two requirement objects: a bearer token or an API key, either one.
    const either = [{ bearerAuth: [] }, { apiKeyAuth: [] }];
    assert.deepEqual(document.paths['/notes'].post.security, either);
    assert.ok(document.paths['/notes'].post.responses['403']);
    assert.deepEqual(document.paths['/secrets/{id}'].get.security, either);
    assert.ok(document.paths['/secrets/{id}'].get.responses['401']);
    assert.equal(document.paths['/secrets/{id}'].get.responses['403'], undefined);
  });

  test('@redocly/cli lint of that document: no error, and only the warnings the app without auth has', (t) => {
    const work = join(REPO_ROOT, 'test', '.tmp', 'auth-openapi');
    mkdirSync(work, { recursive: true });
    return send('GET', '/openapi.json').then(({ text }) => {
      writeFileSync(join(work, 'openapi.json'), text);
      const result = spawnSync(
        join(REPO_ROOT, 'node_modules', '.bin', 'redocly'),
        ['lint', '--extends=recommended', '--format=json', join(work, 'openapi.json')],
        { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
      );
      const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
        totals: { errors: number };
        problems: { ruleId: string; severity: string; message: string }[];
      };
      const summary = report.problems.map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message}`);
      for (const line of new Set(summary)) t.diagnostic(line);
      assert.equal(report.totals.errors, 0, summary.join('\n'));
      const warned = new Set(report.problems.map((problem) => problem.ruleId));
      assert.deepEqual([...warned].sort(), ['info-license', 'operation-4xx-response'], summary.join('\n'));
    });
  });

  test('with a shared secret: HS256 tokens verify; alg none and another secret do not', async () => {
    const secret = randomBytes(32).toString('base64url');
    const hsApp = await startApp(join(project, 'dist', 'src', 'main.js'), { ...baseEnv, AUTH_JWT_SECRET: secret });
    try {
      const hs = (key: string, claims: JWTPayload = {}) =>
        new SignJWT({ sub: 'user-2', exp: now() + 300, ...claims })
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(key));
      const get = (token: string) => http(hsApp.baseUrl, 'GET', '/secrets', undefined, bearer(token));
      assert.equal((await get(await hs(secret))).status, 200);
      assertProblem(await get(await hs(randomBytes(32).toString('base64url'))), 401);
      assertProblem(await get(`${base64url({ alg: 'none' })}.${base64url({ sub: 'x', exp: now() + 300 })}.`), 401);
    } finally {
      await hsApp.stop();
    }
  });

  test('an app whose schema turns auth on refuses to start without keys, naming the variables', async () => {
    await assert.rejects(
      startApp(join(project, 'dist', 'src', 'main.js'), baseEnv),
      /AUTH_JWT_SECRET or AUTH_JWKS_URL/,
    );
    await assert.rejects(
      startApp(join(project, 'dist', 'src', 'main.js'), { ...baseEnv, AUTH_JWT_SECRET: 'short' }),
      /AUTH_JWT_SECRET must be at least 32 bytes long/,
    );
  });

  describe('API keys', () => {
    const withKey = (key: string) => ({ [KEY_HEADER]: key });

    /** A 401 for a key: a problem with `detail`, an ApiKey challenge, never a Bearer token error. */
    function assertKeyRefused(answer: HttpResult, detail: string): void {
      assert.equal(assertProblem(answer, 401).detail, detail);
      assert.equal(answer.headers.get('www-authenticate'), `ApiKey header="${KEY_HEADER}"`);
    }

    test('a minted key opens an authenticated route, in any letter case of the header name', async () => {
      assert.equal((await send('GET', '/secrets', withKey(keys.plain))).status, 200);
      assert.equal((await send('GET', '/secrets', { 'X-SERVICE-KEY': keys.plain })).status, 200);
      assert.equal((await send('GET', '/notes', withKey(keys.plain))).status, 200);
    });

    test("a key's roles decide a role rule: 403 without the role (counted as forbidden), the operation with it", async () => {
      const created = await send('POST', '/notes', withKey(keys.editor), { title: 'by a key' });
      assert.equal(created.status, 201, created.text);
      const before = await failures('forbidden');
      assertProblem(await send('POST', '/notes', withKey(keys.plain), { title: 'no role' }), 403);
      assertProblem(await send('DELETE', `/notes/${created.body.id}`, withKey(keys.editor)), 403);
      assert.equal(await failures('forbidden'), before + 2);
      assert.equal((await send('DELETE', `/notes/${created.body.id}`, withKey(keys.admin))).status, 204);
    });

    test('a wrong key, an expired key, both credentials: 401 counted by reason, no Bearer token error', async () => {
      const invalid = await failures('invalid');
      assertKeyRefused(await send('GET', '/secrets', withKey(`${keys.admin}x`)), 'The API key is not valid');
      assertKeyRefused(
        await send('GET', '/secrets', withKey(createHash('sha256').update(keys.admin).digest('hex'))),
        'The API key is not valid',
      );
      assertKeyRefused(
        await send('GET', '/secrets', withKey('   ')),
        `The ${KEY_HEADER} header must hold exactly one API key`,
      );
      const both = { ...withKey(keys.admin), ...bearer(await sign(first)) };
      assertKeyRefused(
        await send('GET', '/secrets', both),
        'Send one credential: a bearer token or an API key, not both',
      );
      assert.equal(await failures('invalid'), invalid + 4);
      const expired = await failures('expired');
      assertKeyRefused(await send('DELETE', '/notes/1', withKey(keys.expired)), 'The API key has expired');
      assert.equal(await failures('expired'), expired + 1);
    });

    test('no key ever reaches the log, whether accepted or refused', async () => {
      const marker = `probe-${randomBytes(4).toString('hex')}`;
      for (const key of Object.values(keys)) await send('GET', `/secrets?${marker}=1`, withKey(key));
      await send('GET', `/secrets?${marker}=2`, withKey(`${keys.admin}x`));
      const logs = app.output();
      assert.match(logs, new RegExp(marker), 'the requests were logged');
      for (const key of Object.values(keys)) assert.equal(logs.includes(key), false);
      assert.equal(logs.includes(keys.admin.slice(5, 20)), false);
    });

    test('the app refuses to start without its keys file, or with a bad one, naming the file and entry', async () => {
      const env: Record<string, string> = { ...baseEnv, AUTH_JWT_SECRET: randomBytes(32).toString('base64url') };
      const withoutKeys = { ...env };
      delete withoutKeys.AUTH_API_KEYS_FILE;
      await assert.rejects(
        startApp(join(project, 'dist', 'src', 'main.js'), withoutKeys),
        /AUTH_API_KEYS_FILE is required/,
      );
      const bad = join(project, 'bad-keys.json');
      writeFileSync(
        bad,
        JSON.stringify({
          keys: [
            { id: 'a', sha256: 'f'.repeat(64) },
            { id: 'a', sha256: 'e'.repeat(64) },
          ],
        }),
      );
      await assert.rejects(
        startApp(join(project, 'dist', 'src', 'main.js'), { ...env, AUTH_API_KEYS_FILE: bad }),
        new RegExp(
          `AUTH_API_KEYS_FILE ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: keys\\[1\\]\\.id: "a" is also keys\\[0\\]'s id`,
        ),
      );
    });
  });
});
