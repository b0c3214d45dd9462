import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generate } from '../../generator/src/pipeline';
import { compileProjects } from '../support/compile-projects';
import type { PropertyNames } from '../../generator/src/schema/document';
import { type Http, httpClient } from '../support/crud-smoke';
import { REPO_ROOT } from '../support/repository';
import { createDatabase, redisUrl, type RunningApp, runScript, startApp, type TestDatabase } from '../support/services';

/**
 * A client written against the backend the APSO CLI generated from an .apsorc sends the field names
 * as the file writes them, decimals as JSON numbers and the timestamps it read back; the backend apso
 * generates from the same file must answer it. With `--naming camelCase` the same file gets apso's names.
 */
const WORK = join(REPO_ROOT, 'test', '.tmp', 'apsorc-wire');
const DIST = join(REPO_ROOT, 'test', '.tmp', 'apsorc-wire-dist');
// Unflushed: every app's cache keys carry its own database's name, and no other test uses this one.
const REDIS_URL = redisUrl(0);

const SHOP_APSORC = {
  version: 2,
  serviceName: 'shop',
  entities: [
    {
      name: 'Product',
      created_at: true,
      updated_at: true,
      fields: [
        { name: 'first_name', type: 'varchar', length: 40 },
        { name: 'price', type: 'decimal', precision: 6, scale: 2 },
        { name: 'created_at', type: 'timestamp', default: 'CURRENT_TIMESTAMP' },
        { name: 'updated_at', type: 'timestamp', default: 'CURRENT_TIMESTAMP' },
      ],
    },
  ],
};
const ECHOED = '2020-01-01T00:00:00.000Z';

const built: Partial<Record<PropertyNames, string>> = {};

async function boot(naming: PropertyNames): Promise<{ http: Http; app: RunningApp; database: TestDatabase }> {
  const database = await createDatabase('apso_wire');
  const out = join(DIST, naming, 'src');
  const env = { DATABASE_URL: database.url, REDIS_URL };
  await runScript(join(out, 'migrate.js'), env);
  const app = await startApp(join(out, 'main.js'), env);
  return { http: httpClient(app.baseUrl), app, database };
}

describe('an .apsorc backend answers what an APSO CLI client sends', () => {
  before(async () => {
    rmSync(WORK, { recursive: true, force: true });
    rmSync(DIST, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    const schemaPath = join(WORK, 'shop.apsorc');
    writeFileSync(schemaPath, JSON.stringify(SHOP_APSORC, null, 2));
    for (const naming of ['asWritten', 'camelCase'] as const) {
      const outDir = join(WORK, naming);
      await generate({ schemaPath, outDir, naming: naming === 'camelCase' ? 'camelCase' : undefined });
      built[naming] = outDir;
    }
    const compiled = compileProjects(WORK, DIST);
    assert.ok(compiled.ok, compiled.output);
  });

  test("the converted schema.apso.json carries the convention, so the project's `npm run generate` keeps it", () => {
    const camel = JSON.parse(readFileSync(join(built.camelCase!, 'schema.apso.json'), 'utf8'));
    assert.deepEqual(camel.api, { propertyNames: 'camelCase', decimals: 'stringOrNumber', readOnlyInput: 'ignore' });
    const asWritten = JSON.parse(readFileSync(join(built.asWritten!, 'schema.apso.json'), 'utf8'));
    assert.equal(asWritten.api.propertyNames, 'asWritten');
  });

  describe('by default, names as written', () => {
    let running: Awaited<ReturnType<typeof boot>>;
    before(async () => {
      running = await boot('asWritten');
    });
    after(async () => {
      await running?.app.stop();
      await running?.database.drop();
    });

    test('POST with snake_case names, a JSON number and an echoed created_at; the answer uses the same names', async () => {
      const { http } = running;
      const post = await http('POST', '/Products', { first_name: 'Ada', price: 21.5, created_at: ECHOED });
      assert.equal(post.status, 201, JSON.stringify(post.body));
      assert.equal(post.body.first_name, 'Ada');
      assert.equal(post.body.price, '21.50', 'decimals are answered as strings, as pg returns them');
      assert.notEqual(post.body.created_at, ECHOED, 'the echoed timestamp is not written');
      assert.ok(post.body.updated_at);
      assert.equal(post.body.firstName, undefined);

      const got = await http('GET', `/Products/${post.body.id}`);
      assert.deepEqual(got.body, post.body);
      const sorted = await http('GET', '/Products?sort=-created_at');
      assert.equal(sorted.status, 200, JSON.stringify(sorted.body));
    });

    test('PUT and PATCH take back the row the client read, id and timestamps included', async () => {
      const { http } = running;
      const post = await http('POST', '/Products', { first_name: 'Grace', price: '3.10' });
      assert.equal(post.status, 201, JSON.stringify(post.body));
      const put = await http('PUT', `/Products/${post.body.id}`, { ...post.body, first_name: 'Grace H', price: 4 });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(put.body.first_name, 'Grace H');
      assert.equal(put.body.price, '4.00');
      assert.equal(put.body.created_at, post.body.created_at);
      const patch = await http('PATCH', `/Products/${post.body.id}`, { id: 999, updated_at: ECHOED, price: 0.5 });
      assert.equal(patch.status, 200, JSON.stringify(patch.body));
      assert.equal(patch.body.id, post.body.id);
      assert.equal(patch.body.price, '0.50');
    });

    test('the OpenAPI document says a decimal input may be a string or a number, and answers strings', async () => {
      const openApi = (await running.http('GET', '/openapi.json')).body;
      const schemas = openApi.components.schemas;
      assert.deepEqual(schemas.CreateProductDto.properties.price.oneOf, [
        { type: 'string', format: 'decimal' },
        { type: 'number' },
      ]);
      assert.equal(schemas.Product.properties.price.type, 'string');
      assert.ok(openApi.paths['/Products'], Object.keys(openApi.paths).join(', '));
    });

    test('a decimal with more digits than the column holds is a 400 naming it, not rounded', async () => {
      const { http } = running;
      for (const price of [21.555, 12345.5, '21.555', 0.1 + 0.2, 12345678901234567]) {
        const refused = await http('POST', '/Products', { first_name: 'Ada', price });
        assert.equal(refused.status, 400, `${price} → ${JSON.stringify(refused.body)}`);
        assert.deepEqual(
          refused.body.fields.map((field: { field: string }) => field.field),
          ['price'],
        );
      }
      const unknown = await http('POST', '/Products', { first_name: 'Ada', price: 1, colour: 'red' });
      assert.equal(unknown.status, 400, 'other unknown properties are still refused');
      assert.equal((await http('POST', '/Products', { firstName: 'Ada', price: 1 })).status, 400);
    });
  });

  describe('with --naming camelCase', () => {
    let running: Awaited<ReturnType<typeof boot>>;
    before(async () => {
      running = await boot('camelCase');
    });
    after(async () => {
      await running?.app.stop();
      await running?.database.drop();
    });

    test("the same file answers apso's camelCase names", async () => {
      const { http } = running;
      const post = await http('POST', '/Products', { firstName: 'Ada', price: 21.5, createdAt: ECHOED });
      assert.equal(post.status, 201, JSON.stringify(post.body));
      assert.equal(post.body.firstName, 'Ada');
      assert.equal(post.body.price, '21.50');
      assert.ok(post.body.createdAt);
      assert.notEqual(post.body.createdAt, ECHOED);
      assert.equal(post.body.first_name, undefined);
      assert.equal((await http('POST', '/Products', { first_name: 'Ada', price: 1 })).status, 400);
    });
  });
});
