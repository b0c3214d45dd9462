import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { generate } from '../../generator/src/pipeline';
import { filesPrettierWouldChange } from '../support/prettier-agreement';
import { REPO_ROOT } from '../support/repository';

/**
 * Golden tests: each folder here holds a schema and the exact tree apso must write for it
 * (the vendored platform runtime aside, which is a copy of src/platform). `UPDATE_GOLDEN=1` rewrites them.
 */
const GOLDEN = join(REPO_ROOT, 'test', 'golden');
const TMP = join(REPO_ROOT, 'test', '.tmp', 'golden');

function tree(root: string, dir = root): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const key = relative(root, path).split('\\').join('/');
    if (key === 'src/platform') continue;
    if (statSync(path).isDirectory()) for (const [child, content] of tree(root, path)) files.set(child, content);
    else
      files.set(
        key,
        key === '.apso/manifest.json' ? withoutPlatform(readFileSync(path, 'utf8')) : readFileSync(path, 'utf8'),
      );
  }
  return files;
}

/** The vendored platform's hashes change with every platform edit; goldens pin what the schema decides. */
function withoutPlatform(manifest: string): string {
  const parsed = JSON.parse(manifest) as { files: Record<string, string> };
  const files = Object.fromEntries(Object.entries(parsed.files).filter(([path]) => !path.startsWith('src/platform/')));
  return `${JSON.stringify({ ...parsed, files }, null, 2)}\n`;
}

async function generateInto(name: string, schemaPath: string): Promise<Map<string, string>> {
  const out = join(TMP, name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await generate({ schemaPath, outDir: out });
  return tree(out);
}

const cases = readdirSync(GOLDEN).filter((name) => statSync(join(GOLDEN, name)).isDirectory());

describe('golden trees', () => {
  for (const name of cases) {
    test(`${name} matches its expected tree byte for byte`, async () => {
      const schemaPath = join(
        GOLDEN,
        name,
        readdirSync(join(GOLDEN, name)).find((file) => file !== 'expected')!,
      );
      const actual = await generateInto(name, schemaPath);
      const expectedDir = join(GOLDEN, name, 'expected');
      if (process.env.UPDATE_GOLDEN === '1') {
        rmSync(expectedDir, { recursive: true, force: true });
        for (const [path, content] of actual) {
          mkdirSync(join(expectedDir, path, '..'), { recursive: true });
          writeFileSync(join(expectedDir, path), content);
        }
      }
      const expected = tree(expectedDir);
      assert.deepEqual([...actual.keys()], [...expected.keys()], 'the same files');
      for (const [path, content] of expected)
        assert.equal(actual.get(path), content, `${path} differs from its golden copy`);
    });

    test(`${name}: every TypeScript and JSON file is what prettier prints`, async () => {
      assert.deepEqual(await filesPrettierWouldChange(join(TMP, name)), []);
    });

    test(`${name} type-checks as a standalone project under strict`, () => {
      const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = spawnSync(process.execPath, [tsc, '-p', join(TMP, name, 'tsconfig.json'), '--noEmit'], {
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    });
  }
});

describe('determinism', () => {
  test('the same schema twice, and with its entities in another order, gives identical bytes', async () => {
    const schemaPath = join(GOLDEN, 'blog', 'schema.apso.json');
    const document = JSON.parse(readFileSync(schemaPath, 'utf8')) as { entities: unknown[] };
    const shuffledDir = join(TMP, 'shuffled-input');
    mkdirSync(shuffledDir, { recursive: true });
    const shuffledPath = join(shuffledDir, 'schema.apso.json');
    writeFileSync(shuffledPath, JSON.stringify({ ...document, entities: [...document.entities].reverse() }));

    const first = await generateInto('first', schemaPath);
    const second = await generateInto('second', schemaPath);
    const shuffled = await generateInto('shuffled', shuffledPath);
    assert.deepEqual(second, first);
    // The project's copy of its schema keeps the order it was written in; everything generated does not.
    const { ['schema.apso.json']: _copy, ...generatedOnly } = Object.fromEntries(shuffled);
    const { ['schema.apso.json']: _original, ...expected } = Object.fromEntries(first);
    assert.deepEqual(generatedOnly, expected);
  });
});

describe('the repository itself', () => {
  test('`apso generate --check` finds the checked-in output up to date', async () => {
    const result = await generate({ schemaPath: join(REPO_ROOT, 'schema.apso.json'), outDir: REPO_ROOT, check: true });
    assert.deepEqual(
      result.changes.changes.map((change) => `${change.kind} ${change.path}`),
      [],
      'run `npx apso generate` and commit the result',
    );
    assert.deepEqual(result.changes.conflicts, []);
  });
});
