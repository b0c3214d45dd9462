import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Model } from '../../generator/src/model/types';
import { generate } from '../../generator/src/pipeline';
import { filesPrettierWouldChange } from '../support/prettier-agreement';
import { REPO_ROOT } from '../support/repository';
import { compileProjects } from '../support/compile-projects';
import { formatDiagnostic, SchemaError } from '../../generator/src/validate/diagnostic';
import { CORPUS } from '../support/corpus';
import { apsoCliClient } from '../support/apso-cli-client';
import { crudSmoke, httpClient } from '../support/crud-smoke';
import { createDatabase, emptyRedis, runScript, startApp } from '../support/services';

/**
 * Every real `.apsorc` file of the corpus (see test/support/corpus.ts) must generate a standalone
 * project that compiles, migrates a fresh database, boots and passes a CRUD smoke on each entity,
 * unless the file itself is wrong, in which case it must be refused with a clear schema error listed here.
 * The smoke is the client an APSO CLI backend had: routes, names and values as the file implies them.
 */
const WORK = join(REPO_ROOT, 'test', '.tmp', 'corpus');
const DIST = join(REPO_ROOT, 'test', '.tmp', 'corpus-dist');

/** File → the diagnostics it must be refused with, and why the file itself is wrong. */
const EXPECTED_REFUSALS: Record<string, string[]> = {
  // Unique indexes over `project_id` and `task_id` on entities that have no such field or relationship
  // (`test` has no relationships at all): the APSO CLI would emit an index on missing columns that fails
  // at migration time; dropping the index silently would lose a uniqueness rule the author asked for.
  'kashif281__collab-project-manager.apsorc': [
    'kashif281__collab-project-manager.apsorc: /entities/3/indexes/0/fields/0: index names unknown field "project_id" of Assignment',
    'kashif281__collab-project-manager.apsorc: /entities/4/indexes/0/fields/0: index names unknown field "project_id" of test',
    'kashif281__collab-project-manager.apsorc: /entities/4/indexes/0/fields/1: index names unknown field "task_id" of test',
  ],
};

const generated = new Map<string, Model>();
const refused = new Map<string, string[]>();
const tally = { generated: 0, compiled: 0, booted: 0, passed: 0 };
let compileOutput = '';

const stem = (file: string) => file.replace(/\.apsorc$/, '');

describe('the .apsorc corpus', { concurrency: 2, ...CORPUS.options }, () => {
  const files = CORPUS.files();

  before(async () => {
    rmSync(WORK, { recursive: true, force: true });
    rmSync(DIST, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    for (const file of files) {
      try {
        const result = await generate({ schemaPath: join(CORPUS.dir, file), outDir: join(WORK, stem(file)) });
        generated.set(file, result.model);
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        refused.set(
          file,
          error.diagnostics.map((diagnostic) => formatDiagnostic(file, diagnostic)),
        );
      }
    }
    tally.generated = generated.size;
    const compiled = compileProjects(WORK, DIST);
    compileOutput = compiled.output;
    if (compiled.ok) tally.compiled = generated.size;
  });

  after(() => {
    process.stdout.write(
      `corpus: ${files.length} .apsorc files; ${tally.generated} generate, ${tally.compiled} compile, ${tally.booted} boot, ${tally.passed} pass the CRUD smoke; ${refused.size} refused\n`,
    );
  });

  test('the corpus is there', () => {
    assert.ok(files.length > 0, `no .apsorc files in ${CORPUS.dir}`);
  });

  test('refusals are exactly the expected ones', () => {
    assert.deepEqual(Object.fromEntries(refused), EXPECTED_REFUSALS);
  });

  test('every generated project compiles under strict TypeScript', () => {
    assert.equal(compileOutput.trim(), '', compileOutput.slice(0, 5000));
  });

  test("every generated project's TypeScript and JSON is what prettier prints", async () => {
    // The platform is the same copy in every project; the golden test checks it once.
    const changed = await Promise.all(
      [...generated.keys()].map((file) => filesPrettierWouldChange(join(WORK, stem(file)), ['platform'])),
    );
    assert.deepEqual(changed.flat(), []);
  });

  files.forEach((file, index) => {
    test(`${file}: migrates, boots and passes the CRUD smoke on every entity`, async (context) => {
      const model = generated.get(file);
      if (!model) return context.skip('refused, see above');
      assert.ok(tally.compiled > 0, 'compiled');
      const database = await createDatabase('apso_corpus');
      const redisUrl = await emptyRedis((index % 4) + 1);
      const out = join(DIST, stem(file), 'src');
      const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl };
      try {
        await runScript(join(out, 'migrate.js'), env);
        const app = await startApp(join(out, 'main.js'), env);
        tally.booted++;
        try {
          const client = apsoCliClient(readFileSync(join(CORPUS.dir, file), 'utf8'));
          await crudSmoke(model, httpClient(app.baseUrl), client);
          tally.passed++;
        } catch (error) {
          throw new Error(`${(error as Error).message}\n--- app output ---\n${app.output()}`);
        } finally {
          await app.stop();
        }
      } finally {
        await database.drop();
      }
    });
  });
});
