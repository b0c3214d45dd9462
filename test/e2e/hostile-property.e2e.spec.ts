import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { bootExampleBackend, type ExampleBackend, tableNames } from '../support/example-backend';
import { type HttpResult, httpOnce } from '../support/http';
import { assertProblem } from '../support/problem';
import { REPO_ROOT } from '../support/repository';

/**
 * Issue 12's hostile-input property: thousands of generated requests over every route the app's own
 * OpenAPI document lists (so a new entity is covered without touching this file), with ids, query
 * strings, bodies and content types that a careless or malicious client could send. Every answer
 * must be below 500, every rejected write must leave every row as it was, every 4xx must have the
 * documented error shape, and no answer may carry a stack, SQL, a table, column or constraint name.
 *
 * The seed is fixed so a failure reproduces; HOSTILE_SEED and HOSTILE_RUNS override it and the count.
 */
const SEED = Number(process.env.HOSTILE_SEED ?? 12_2026);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 4000);

/** OpenAPI 3.1 (JSON Schema 2020-12): a nullable property has `null` among its types or a `{ type: 'null' }` branch. */
interface SchemaObject {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly oneOf?: readonly SchemaObject[];
  readonly anyOf?: readonly SchemaObject[];
  readonly maxLength?: number;
  readonly items?: SchemaObject;
  readonly properties?: Record<string, SchemaObject>;
  readonly required?: readonly string[];
  readonly $ref?: string;
}

interface OpenApiOperation {
  readonly parameters?: readonly { name: string; in: string; schema?: SchemaObject }[];
  readonly requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { schemas?: Record<string, SchemaObject> };
}

/** One route of the app: method, path template and what it takes. */
interface Route {
  readonly method: string;
  readonly path: string;
  /** The collection segment (`projects`), or undefined for /health, /metrics and /openapi.json. */
  readonly resource?: string;
  readonly idType?: 'string' | 'number';
  readonly query: readonly { name: string; schema: SchemaObject }[];
  readonly body?: SchemaObject;
}

/** A generated request, as fast-check prints it when a property fails. */
interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  /** Other headers a client may get wrong: encodings, request ids, cache validators. */
  readonly headers?: Record<string, string>;
}

let backend: ExampleBackend;
let routes: Route[];
/** One existing row per resource: `projects` -> its id. */
const seeded = new Map<string, string | number>();
/** Why the last attempt to seed a resource failed, for the assertion message. */
const seedFailures = new Map<string, string>();
let forbidden: { name: string; pattern: RegExp }[];
/** Every body property, query and path parameter the API documents: what an error's `fields` may name. */
let apiNames: Set<string>;
const stats = { requests: 0, byStatus: new Map<number, number>(), slowest: [] as { ms: number; request: string }[] };

before(async () => {
  backend = await bootExampleBackend('apso_hostile_property', 10);
  const document = (await backend.send('GET', '/openapi.json')).body as OpenApiDocument;
  routes = routesOf(document);
  await seed();
  apiNames = new Set(
    routes.flatMap((route) => [
      ...Object.keys(route.body?.properties ?? {}),
      ...route.query.map((q) => q.name),
      ...(route.idType ? ['id'] : []),
    ]),
  );
  // The scope properties (organizationId, a profile's userId) are filled from the token every request
  // carries and left out of the document's bodies, but answers show them and errors may name them.
  for (const name of scopeProperties()) apiNames.add(name);
  forbidden = await internalNames(new Set(routes.map((route) => route.resource).filter((r) => r !== undefined)));
});

after(async () => {
  await backend?.stop();
});

test(`${RUNS} hostile requests over every route: no 5xx, no row changed by a rejection, no internals (seed ${SEED})`, async (t) => {
  t.diagnostic(`seed ${SEED} (HOSTILE_SEED=${SEED} HOSTILE_RUNS=${RUNS} reproduces this run)`);
  assert.ok(routes.length >= 40, `the OpenAPI document lists every route (${routes.length})`);
  for (const resource of new Set(routes.map((route) => route.resource).filter((r) => r !== undefined))) {
    assert.ok(seeded.has(resource), `a row of ${resource} could be seeded: ${seedFailures.get(resource)}`);
  }
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(hostileRequest(), async (request) => {
      await checkAnswer(request);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`);
  t.diagnostic(`${stats.requests} requests in ${Date.now() - started} ms; ${statuses.join(', ')}`);
  const slowest = stats.slowest.sort((a, b) => b.ms - a.ms).slice(0, 3);
  t.diagnostic(`slowest: ${slowest.map((s) => `${s.ms} ms ${s.request}`).join('; ')}`);
});

test('deleting each seeded row: no 5xx, and answers in API terms', async () => {
  for (const route of routes.filter((r) => r.method === 'DELETE')) {
    await checkAnswer({ method: 'DELETE', path: route.path.replace('{id}', String(seeded.get(route.resource!))) });
  }
});

/** Sends one request and checks everything the issue asks of its answer. */
async function checkAnswer(request: HostileRequest): Promise<void> {
  const writes = request.method !== 'GET';
  const before = writes ? await backend.snapshot() : undefined;
  const started = Date.now();
  // Every request acts as the backend's tenant (all roles, its org_id and sub), so it reaches validation.
  const headers: Record<string, string> = {
    ...backend.tenant.headers,
    ...request.headers,
    ...(request.contentType === undefined ? {} : { 'content-type': request.contentType }),
  };
  const response = await httpOnce(backend.app.baseUrl, request.method, request.path, request.body, headers).catch(
    (error: Error) => {
      throw new Error(`no answer (${error.message}); the app's last output:\n${backend.app.output().slice(-4000)}`);
    },
  );
  record(request, response, Date.now() - started);
  const shown = `${request.method} ${request.path.slice(0, 200)} -> ${response.status} ${response.text.slice(0, 500)}`;
  assert.ok(response.status < 500, `no 5xx: ${shown}`);
  for (const { name, pattern } of forbidden) {
    assert.doesNotMatch(response.text, pattern, `no ${name} in the answer: ${shown}`);
  }
  if (response.status < 400) return;
  assertErrorShape(response, shown);
  assertFieldsAreTheClients(request, response, shown);
  if (writes) assert.equal(await backend.snapshot(), before, `a rejected request changed no row: ${shown}`);
}

function record(request: HostileRequest, response: HttpResult, ms: number): void {
  stats.requests += 1;
  stats.byStatus.set(response.status, (stats.byStatus.get(response.status) ?? 0) + 1);
  stats.slowest.push({
    ms,
    request: `${request.method} ${request.path.slice(0, 60)} (${request.body?.length ?? 0} B)`,
  });
  if (stats.slowest.length > 20) stats.slowest.sort((a, b) => b.ms - a.ms).splice(10);
}

/** The problem src/platform/http/error-body.ts documents (RFC 9457 plus statusCode, error, message, fields). */
function assertErrorShape(response: HttpResult, shown: string): void {
  const body = assertProblem(response, response.status, shown);
  for (const entry of (body.fields ?? []) as { errors: unknown[] }[]) {
    assert.ok(
      entry.errors.every((error) => typeof error === 'string'),
      shown,
    );
  }
}

/**
 * Each field an error names is one the client knows: a documented property or parameter, or one
 * it sent itself (an unknown property is reported by the name it came with). Never a relation
 * (`tags` for `tagIds`), a column or a made-up `value`.
 */
function assertFieldsAreTheClients(request: HostileRequest, response: HttpResult, shown: string): void {
  const fields = (response.body as { fields?: { field: string }[] }).fields ?? [];
  const names = [...apiNames, ...sentBodyKeys(request.body), ...sentQueryKeys(request.path)];
  for (const { field } of fields) {
    // `payload.a.b` or `tagIds[0]`: a name and the path inside its value. A sent key may hold dots itself.
    const known = names.some((name) => field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`));
    assert.ok(known, `${field} is a name the client knows: ${shown}`);
  }
}

function sentBodyKeys(body: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    return typeof parsed === 'object' && parsed !== null ? Object.keys(parsed) : [];
  } catch {
    return [];
  }
}

function sentQueryKeys(path: string): string[] {
  const query = path.split('?')[1] ?? '';
  return query.split('&').map((pair) => {
    const key = pair.split('=')[0];
    try {
      return decodeURIComponent(key);
    } catch {
      return key;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Routes and seed rows, from the OpenAPI document

function routesOf(document: OpenApiDocument): Route[] {
  const found: Route[] = [{ method: 'GET', path: '/openapi.json', query: [] }];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = operation.parameters ?? [];
      const id = parameters.find((p) => p.in === 'path' && p.name === 'id');
      const resource = /^\/([a-z0-9-]+)(\/\{id\})?$/.exec(path)?.[1];
      const isEntity = resource !== undefined && document.paths[`/${resource}/{id}`] !== undefined;
      const body = operation.requestBody?.content?.['application/json']?.schema;
      found.push({
        method: method.toUpperCase(),
        path,
        resource: isEntity ? resource : undefined,
        idType: id ? (typeOf(id.schema ?? {}) === 'integer' ? 'number' : 'string') : undefined,
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: body ? resolve(document, body) : undefined,
      });
    }
  }
  return found;
}

/** `organizationId` for `"scope": { "by": "organization" }`: the properties schema.apso.json scopes rows by. */
function scopeProperties(): string[] {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schema.apso.json'), 'utf8')) as {
    entities: { scope?: { by: string } | false }[];
  };
  return [...new Set(schema.entities.flatMap((entity) => (entity.scope ? [`${entity.scope.by}Id`] : [])))];
}

function resolve(document: OpenApiDocument, schema: SchemaObject): SchemaObject {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = document.components?.schemas?.[name];
  assert.ok(target, `${schema.$ref} is in the document`);
  return resolve(document, target);
}

/** `organizationId` -> `organizations`, `tagIds` -> `tags`, `auditEventId` -> `audit-events`: a seeded resource or undefined. */
function referencedResource(property: string): string | undefined {
  const stem = /^(.+?)Ids?$/.exec(property)?.[1];
  if (stem === undefined) return undefined;
  const kebab = stem.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  return [...seeded.keys()].find((resource) => resource === `${kebab}s` || resource === `${kebab}es`);
}

/** The schema's type other than null. */
function typeOf(schema: SchemaObject): string | undefined {
  return typeof schema.type === 'string' ? schema.type : schema.type?.find((type) => type !== 'null');
}

function isNullable(schema: SchemaObject): boolean {
  const branches = [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
  return (Array.isArray(schema.type) && schema.type.includes('null')) || branches.some((b) => b.type === 'null');
}

let unique = 0;

/**
 * A value the DTO accepts. References point at seeded rows; one whose name does not tell its target
 * (`authorId`) is null when it may be, else the `guess`th seeded row.
 */
function validValue(property: string, schema: SchemaObject, guess: number): unknown {
  unique += 1;
  if (schema.enum) return schema.enum[0];
  if (typeOf(schema) === 'array') {
    const target = referencedResource(property);
    return target === undefined ? [] : [seeded.get(target)];
  }
  switch (schema.format) {
    case 'uuid': {
      const target = referencedResource(property);
      if (target !== undefined) return seeded.get(target);
      const candidates = [...seeded.values()].filter((id) => typeof id === 'string');
      return isNullable(schema) || candidates.length === 0 ? null : candidates[guess % candidates.length];
    }
    case 'email':
      return `person${unique}@example.com`;
    case 'int64':
      return String(unique);
    case 'date-time':
      return '2024-01-31T09:30:00Z';
    case 'date':
      return '2024-01-31';
  }
  if (schema.default !== undefined) return schema.default;
  if (schema.examples !== undefined) return schema.examples[0];
  switch (typeOf(schema)) {
    case 'integer':
      return 1;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'object':
      return { note: 'hi' };
    default:
      return `v${unique}`.slice(0, schema.maxLength ?? 100);
  }
}

function validBody(schema: SchemaObject, guess = 0): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema.properties ?? {})
      .filter(([property]) => property !== 'version')
      .map(([property, propertySchema]) => [property, validValue(property, propertySchema, guess)]),
  );
}

/**
 * Creates one row of every resource, in whatever order the references allow: each pass creates
 * those whose references are already seeded. A reference whose target the name does not tell
 * (`authorId`) tries each seeded row in turn.
 */
async function seed(): Promise<void> {
  const creators = routes.filter((route) => route.method === 'POST' && route.resource && route.body);
  for (let pass = 0; pass < creators.length && seeded.size < creators.length; pass += 1) {
    for (const route of creators.filter((r) => !seeded.has(r.resource!))) {
      for (let guess = 0; guess <= seeded.size; guess += 1) {
        const response = await backend.send('POST', route.path, validBody(route.body!, guess));
        if (response.status === 201) {
          seeded.set(route.resource!, response.body.id);
          break;
        }
        seedFailures.set(route.resource!, response.text);
      }
    }
  }
}

/**
 * Names a client must never see: tables that are not a resource's name (join tables, the
 * migrations table), snake_case columns, constraint and index names; plus stack frames, SQL and
 * driver or ORM words.
 */
async function internalNames(resources: ReadonlySet<string>): Promise<{ name: string; pattern: RegExp }[]> {
  const word = (text: string) => new RegExp(`(?<![\\w-])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`);
  const tables = (await tableNames(backend.sql)).filter((table) => !resources.has(table));
  const { rows: columns } = await backend.sql.query<{ name: string }>(
    `SELECT DISTINCT column_name AS name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name LIKE '%\\_%'`,
  );
  const { rows: constraints } = await backend.sql.query<{ name: string }>(
    `SELECT conname AS name FROM pg_constraint JOIN pg_namespace n ON n.oid = connamespace WHERE nspname = 'public'
     UNION SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`,
  );
  return [
    ...tables.map((name) => ({ name: `table ${name}`, pattern: word(name) })),
    ...columns.map(({ name }) => ({ name: `column ${name}`, pattern: word(name) })),
    ...constraints.map(({ name }) => ({ name: `constraint ${name}`, pattern: word(name) })),
    { name: 'a stack frame', pattern: /\bat [\w$.<>[\] ]+ \(|\n\s+at |[\w/\\-]+\.[cm]?[jt]s:\d+/ },
    {
      name: 'SQL',
      pattern:
        /\b(SELECT|INSERT INTO|DELETE FROM|UPDATE "|violates|relation "|duplicate key|syntax error|invalid input syntax|SQLSTATE)\b/,
    },
    {
      name: 'ORM, driver or framework internals',
      pattern:
        /QueryFailedError|EntityNotFound|EntityMetadata|TypeORM|typeorm|node_modules|driverError|pg-protocol|ECONN[A-Z]+|Connection terminated|FST_ERR_\w+/,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** A JSON token the serializer writes without quotes: numbers no JSON.stringify can produce. */
const RAW = (text: string) => `\u0001raw:${text}\u0001`;

function serialize(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001raw:(.*?)\\u0001"/g, '$1');
}

/** encodeURIComponent throws on a lone surrogate; %ED%A0%80 in the id list sends one on purpose. */
const urlEncode = (text: string) => encodeURIComponent(text.replace(/\p{Surrogate}/gu, '\ufffd'));

const nested = (depth: number, leaf: unknown): unknown =>
  Array.from({ length: depth }).reduce<unknown>((inner) => ({ a: inner }), leaf);

/** Strings that break parsers, casts and encodings; short enough for a query string. */
const shortHostileString = fc.oneof(
  fc.constantFrom(
    'a\u0000b',
    '\u0000',
    '\ud800',
    'a\udc00b',
    '\ud83d',
    '',
    ' ',
    '2024-02-30',
    '2024-13-01',
    '0000-00-00',
    '99999-01-01',
    '2024-02-30T00:00:00Z',
    '2024-01-01T25:61:00Z',
    '24:00:01',
    '999999999999 years',
    '-999999999999 days',
    '1e400 years',
    'P99999999999Y',
    '178000000 years',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '99999999999999999999',
    '9223372036854775808',
    '-9223372036854775809',
    '0x10',
    '1.5',
    'true',
    'null',
    '💥🔥',
    'ǅ\u0301\u200b\ufeff',
    '\u202e',
    '../../etc/passwd',
    '%00',
    '<script>alert(1)</script>',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

const hostileString = fc.oneof(
  { arbitrary: shortHostileString, weight: 9 },
  { arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((length) => 'x'.repeat(length)), weight: 1 },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, -(2 ** 53), Number.MAX_VALUE), weight: 2 },
  {
    arbitrary: fc.constantFrom(...['1e309', '-1e309', '1e-400', '12345678901234567890', '-0', '0.1e1'].map(RAW)),
    weight: 2,
  },
  { arbitrary: fc.integer({ min: 2, max: 3000 }).map((depth) => nested(depth, 1)), weight: 1 },
  { arbitrary: fc.integer({ min: 1001, max: 20_000 }).map((length) => Array.from({ length }, (_, i) => i)), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: fc.array(hostileString, { maxLength: 5 }), weight: 1 },
  { arbitrary: fc.constantFrom([1, 1], [null], [-1], [2 ** 40], ['1'], [[1]], [{}]), weight: 1 },
  { arbitrary: fc.constantFrom({}, { id: 1 }, JSON.parse('{"__proto__":{"x":1}}') as object, []), weight: 1 },
);

/** A valid body with up to three changes (a property replaced, removed, or one added); unchanged ones reach the database. */
function mutatedBody(schema: SchemaObject): fc.Arbitrary<string> {
  const properties = Object.keys(schema.properties ?? {});
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), property: fc.constantFrom(...properties), value: hostileValue }),
    fc.record({
      kind: fc.constant('delete' as const),
      property: fc.constantFrom(...properties),
      value: fc.constant(0),
    }),
    fc.record({
      kind: fc.constant('set' as const),
      property: fc.constantFrom(
        'id',
        'version',
        'createdAt',
        'deletedAt',
        'extra',
        '__proto__',
        'constructor',
        'a.b',
        // Filled from the token: a body may repeat the caller's value, any other is refused.
        ...scopeProperties(),
      ),
      value: hostileValue,
    }),
  );
  return fc.tuple(fc.nat(), fc.array(mutation, { minLength: 0, maxLength: 3 })).map(([guess, mutations]) => {
    const body = validBody(schema, guess);
    for (const { kind, property, value } of mutations) {
      if (kind === 'delete') delete body[property];
      else Object.defineProperty(body, property, { value, enumerable: true, writable: true, configurable: true });
    }
    return serialize(body);
  });
}

const malformedJson = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":}',
    '{"a":1,}',
    "{'a':1}",
    'nul',
    '',
    '\u0000',
    '\ufeff{}',
    '[]',
    '"text"',
    '123',
    'null',
    '{"name":"a","name":1}',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '{"a":1e309}',
    '{"a":"\\x41"}',
    '{"a":01}',
    '{"a":NaN}',
    '{"a":[' + '1,'.repeat(50_000) + '1]}',
    '[' + '['.repeat(5000) + ']'.repeat(5000) + ']',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
);

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=latin1',
      'application/vnd.api+json',
      'application/json, text/plain',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/octet-stream',
      '',
      ';;;',
    ),
    weight: 3,
  },
);

function idArbitrary(route: Route): fc.Arbitrary<string> {
  const valid = seeded.get(route.resource!);
  const existing = route.method === 'DELETE' || valid === undefined ? [] : [String(valid)];
  return fc.oneof(
    ...existing.map((id) => ({ arbitrary: fc.constantFrom(id, encodeURIComponent(id.toUpperCase())), weight: 6 })),
    { arbitrary: fc.uuid(), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        '01',
        '0',
        '1',
        '-1',
        '1.5',
        '1e3',
        '0x10',
        '%201',
        '99999999999999999999',
        '2147483648',
        '9223372036854775808',
        '%00',
        'a%00b',
        '%C3%BC',
        '%F0%9F%92%A5',
        '%ED%A0%80',
        '%FF',
        '..',
        '%2e%2e%2f',
        'null',
        'undefined',
        '00000000-0000-0000-0000-000000000000',
        '{id}',
        ':id',
      ),
      weight: 4,
    },
    { arbitrary: fc.integer({ min: 37, max: 5000 }).map((length) => 'a'.repeat(length)), weight: 1 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(urlEncode), weight: 2 },
  );
}

/** Query strings: the real parameters with junk values, repeated, as arrays, plus unknown ones. */
function queryArbitrary(route: Route): fc.Arbitrary<string> {
  const names = [...route.query.map((q) => q.name), 'unknown', '__proto__', 'limit[]', 'sort[0]', 'offset[a]'];
  const valid = route.query.flatMap((q) => [...((q.schema.enum as string[] | undefined) ?? []), '1', '10']);
  const value = fc.oneof(
    fc.constantFrom(...valid, ''),
    shortHostileString.map(urlEncode),
    fc.constantFrom('1e309', '-1', '99999999999999999999', '1.5', 'NaN', '%00', '%FF', '0x10', '+5', '%201', '1,2'),
  );
  const pair = fc.tuple(fc.constantFrom(...names), value).map(([name, v]) => `${encodeURIComponent(name)}=${v}`);
  return fc.array(pair, { maxLength: 6 }).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));
}

/** Mostly none; sometimes a body encoding that is not there, a junk request id or cache validator. */
const headerArbitrary: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 8 },
  {
    arbitrary: fc.dictionary(
      fc.constantFrom('content-encoding', 'x-request-id', 'if-none-match', 'accept', 'accept-encoding', 'expect'),
      fc.oneof(
        fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', '*', '"etag"', 'W/"1"', '100-continue'),
        fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
        fc.integer({ min: 200, max: 4000 }).map((length) => 'r'.repeat(length)),
      ),
      { maxKeys: 3 },
    ),
    weight: 2,
  },
);

function requestFor(route: Route): fc.Arbitrary<HostileRequest> {
  const path = route.idType ? idArbitrary(route).map((id) => route.path.replace('{id}', id)) : fc.constant(route.path);
  const method = fc.oneof(
    { arbitrary: fc.constant(route.method), weight: 9 },
    { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), weight: 1 },
  );
  const body: fc.Arbitrary<{ body?: string; contentType?: string }> = route.body
    ? fc.oneof(
        { arbitrary: fc.record({ body: mutatedBody(route.body), contentType }), weight: 8 },
        { arbitrary: fc.record({ body: malformedJson, contentType }), weight: 2 },
        { arbitrary: fc.constant({}), weight: 1 },
      )
    : fc.oneof(
        { arbitrary: fc.constant({}), weight: 4 },
        { arbitrary: fc.record({ body: malformedJson, contentType }), weight: 1 },
      );
  return fc.record({ method, path, query: queryArbitrary(route), body, headers: headerArbitrary }).map((r) => ({
    method: r.method,
    path: `${r.path}${r.query}`,
    ...r.body,
    ...(Object.keys(r.headers).length === 0 ? {} : { headers: r.headers }),
  }));
}

/** Every route, writes more often than reads since they have more to get wrong. */
function hostileRequest(): fc.Arbitrary<HostileRequest> {
  return fc.oneof(
    ...routes.map((route) => ({ arbitrary: requestFor(route), weight: route.body ? 3 : route.resource ? 2 : 1 })),
  );
}
