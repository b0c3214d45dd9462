import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadSchema } from '../../generator/src/load/load';
import { buildModel } from '../../generator/src/model/build';
import { validateDocument } from '../../generator/src/validate/validate';
import { exampleAuthEnv } from '../support/example-auth';
import { bootExampleBackend, type ExampleBackend } from '../support/example-backend';
import { renderClientProgram } from '../support/openapi-client';
import { REPO_ROOT } from '../support/repository';

/**
 * Issue 13's OpenAPI document, read from the running backend: it lints clean, and a client generated
 * from it (openapi-typescript + openapi-fetch) compiles under strict and drives every entity, each
 * response (errors included) matching the document's schemas.
 */
const WORK_DIR = join(REPO_ROOT, 'test', '.tmp', 'openapi-client');
const BIN = join(REPO_ROOT, 'node_modules', '.bin');

interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { title: string };
  readonly servers?: { url: string }[];
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { schemas: Record<string, unknown> };
}

interface Operation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly parameters?: { name: string; in: string; description?: string; schema?: Record<string, unknown> }[];
  readonly responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

let backend: ExampleBackend;
let document: OpenApiDocument;

before(async () => {
  backend = await bootExampleBackend('apso_openapi', 8);
  const answer = await backend.send('GET', '/openapi.json');
  assert.equal(answer.status, 200);
  document = answer.body as OpenApiDocument;
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(join(WORK_DIR, 'openapi.json'), JSON.stringify(document));
});

after(async () => {
  await backend?.stop();
});

test('the document is OpenAPI 3.1, titled from the schema, with servers and an id, summary and described parameters on every operation', () => {
  assert.equal(document.openapi, '3.1.0');
  assert.equal(document.info.title, 'apso-example');
  assert.deepEqual(
    document.servers?.map((server) => server.url),
    ['/'],
  );
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      assert.ok(operation.operationId && operation.summary, `${method} ${path} has an operationId and a summary`);
      assert.ok(!operationIds.has(operation.operationId), `${operation.operationId} is unique`);
      operationIds.add(operation.operationId);
      for (const parameter of operation.parameters ?? []) {
        assert.ok(parameter.description, `${method} ${path}: ${parameter.name} is described`);
      }
    }
  }
  assert.deepEqual(document.paths['/tags/{id}'].get.parameters?.[0].schema, {
    type: 'integer',
    format: 'int32',
    minimum: -2147483648,
    maximum: 2147483647,
  });
  assert.deepEqual(document.paths['/tasks/{id}'].get.parameters?.[0].schema, { type: 'string', format: 'uuid' });
  const readiness = document.paths['/health/ready'].get.responses['503'].content;
  assert.deepEqual(Object.keys(readiness ?? {}), ['application/json'], "the 503 of /health/ready is Terminus's report");
  assert.ok(document.paths['/tasks/{id}'].patch.responses['412'].content?.['application/problem+json']);
  const schemas = document.components.schemas as Record<string, { properties: Record<string, { default?: unknown }> }>;
  assert.equal(schemas.CreateTaskDto.properties.status.default, 'todo', 'a create takes the default');
  assert.equal(
    schemas.UpdateTaskDto.properties.status.default,
    undefined,
    'a PATCH leaves out what it does not change',
  );
  const text = JSON.stringify(document);
  assert.ok(!/"nullable":/.test(text), 'no 3.0 nullable is left');
  assert.ok(!/"example":/.test(text), 'no 3.0 schema example is left');
});

test('@redocly/cli lint with the recommended rules: no error, and no warning but the two that hold', (t) => {
  const result = spawnSync(
    join(BIN, 'redocly'),
    ['lint', '--extends=recommended', '--format=json', join(WORK_DIR, 'openapi.json')],
    { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
  );
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
    totals: { errors: number; warnings: number };
    problems: { ruleId: string; severity: string; message: string }[];
  };
  const summary = report.problems.map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message}`);
  t.diagnostic(`redocly: ${report.totals.errors} errors, ${report.totals.warnings} warnings`);
  for (const line of new Set(summary)) t.diagnostic(line);
  assert.equal(report.totals.errors, 0, summary.join('\n'));
  // The only warnings left, both true of this API: the schema states no license, and the health and
  // metrics operations answer no 4xx. Any other rule's warning is a regression of the document.
  const warned = new Set(report.problems.map((problem) => problem.ruleId));
  assert.deepEqual([...warned].sort(), ['info-license', 'operation-4xx-response'], summary.join('\n'));
});

test('/docs is Swagger UI whose scripts and styles this server serves', async () => {
  const page = await backend.send('GET', '/docs');
  assert.equal(page.status, 200);
  assert.match(String(page.headers.get('content-type')), /text\/html/);
  const assets = [...page.text.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map((match) => match[1]);
  assert.ok(
    assets.some((asset) => asset.endsWith('swagger-ui-bundle.js')),
    assets.join(', '),
  );
  for (const asset of assets) {
    assert.ok(!/^(https?:)?\/\//.test(asset), `${asset} is served locally, not from a CDN`);
    const path = asset.startsWith('/') ? asset : `/docs/${asset.replace(/^\.?\/?(docs\/)?/, '')}`;
    const served = await backend.send('GET', path);
    assert.equal(served.status, 200, `${path} is served`);
  }
});

test('a client generated from the document drives every entity, and every response matches the document', (t) => {
  const started = Date.now();
  const generated = spawnSync(
    join(BIN, 'openapi-typescript'),
    // A property with a default may be left out of a request: not required, as the document says.
    [join(WORK_DIR, 'openapi.json'), '--default-non-nullable', 'false', '--output', join(WORK_DIR, 'api.mts')],
    { encoding: 'utf8' },
  );
  assert.equal(generated.status, 0, generated.stderr);
  const { document: schema } = validateDocument(loadSchema(join(REPO_ROOT, 'schema.apso.json')).document);
  writeFileSync(join(WORK_DIR, 'drive.mts'), renderClientProgram(buildModel(schema!)));
  writeFileSync(
    join(WORK_DIR, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        types: ['node'],
        skipLibCheck: true,
      },
      files: ['drive.mts'],
    }),
  );
  const compiled = spawnSync(join(BIN, 'tsc'), ['-p', join(WORK_DIR, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(compiled.status, 0, `the program compiles under strict:\n${compiled.stdout}${compiled.stderr}`);

  // The program signs its bearer token with the backend's secret, as an identity provider would.
  const ran = spawnSync(process.execPath, ['--import', 'tsx', join(WORK_DIR, 'drive.mts'), backend.app.baseUrl], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    env: { ...process.env, ...exampleAuthEnv() },
  });
  assert.equal(ran.status, 0, ran.stderr);
  const responses = JSON.parse(ran.stdout) as {
    method: string;
    path: string;
    status: number;
    contentType: string | null;
    body: unknown;
  }[];

  const ajv = new Ajv2020({ strict: true, strictSchema: false, allErrors: true });
  addFormats(ajv);
  // The server writes numeric and int8 columns as strings: the formats say which strings.
  ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
  ajv.addFormat('int64', { type: 'string', validate: /^-?\d{1,19}$/ });
  ajv.addSchema({ ...document, $id: 'openapi.json' });
  const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  for (const response of responses) {
    const label = `${response.method} ${response.path} ${response.status}`;
    const operation = document.paths[response.path]?.[response.method.toLowerCase()];
    assert.ok(operation, `${label}: the operation is documented`);
    const status = operation.responses[String(response.status)] ? String(response.status) : 'default';
    const documented = operation.responses[status];
    assert.ok(documented, `${label}: the status is documented`);
    if (response.status === 204) continue;
    const mediaType = (response.contentType ?? '').split(';')[0];
    assert.ok(documented.content?.[mediaType], `${label}: ${mediaType} is documented`);
    const validate = ajv.getSchema(
      `openapi.json#/${pointer('paths', response.path, response.method.toLowerCase(), 'responses', status, 'content', mediaType, 'schema')}`,
    );
    assert.ok(validate, `${label}: the schema compiles`);
    assert.ok(
      validate(response.body),
      `${label}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(response.body)}`,
    );
  }
  const statuses = new Set(responses.map((response) => response.status));
  for (const status of [200, 201, 204, 400, 401, 404]) assert.ok(statuses.has(status), `some response was a ${status}`);
  t.diagnostic(`${responses.length} responses validated; generate, compile and run took ${Date.now() - started} ms`);
});
