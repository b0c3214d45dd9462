import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generate } from '../../pipeline';
import { planFiles } from '../../plan/plan';
import { PACKAGE_ROOT } from '../../runtime/runtime-source';
import type { EntitySpec, SchemaDocument } from '../../schema/document';
import { validateDocument } from '../../validate/validate';
import { contextOf } from '../spec-support';

/** Every TypeScript file apso writes for a schema, in memory. */
function typeScriptFiles(document: SchemaDocument): { path: string; content: string }[] {
  return planFiles(contextOf(document)).filter((file) => file.path.endsWith('.ts'));
}

/** The bindings of a file's import lines: `X`, `type X`, `X as Y` (imported X, local Y). */
function importsOf(source: string): { imported: string; local: string; from: string }[] {
  return [...source.matchAll(/^import (?:type )?\{([^}]*)\} from '([^']+)';$/gm)].flatMap(([, list, from]) =>
    list
      .split(',')
      .map((part) => part.trim().replace(/^type /, ''))
      .filter(Boolean)
      .map((part) => {
        const [imported, local = imported] = part.split(' as ').map((name) => name.trim());
        return { imported, local, from };
      }),
  );
}

function entityWith(name: string): EntitySpec {
  return {
    name,
    versioned: true,
    softDelete: true,
    fields: [
      { name: 'title', type: 'string', index: true },
      { name: 'state', type: 'enum', values: ['a', 'b'], default: 'a' },
      { name: 'at', type: 'timestamp', nullable: true },
      { name: 'total', type: 'decimal' },
      { name: 'data', type: 'jsonb' },
    ],
    relationships: [
      { name: 'labels', type: 'ManyToMany', target: 'Label' },
      { name: 'hub', type: 'ManyToOne', target: 'Hub', inverse: `every${name}`, nullable: true },
    ],
  };
}

/** Label and Hub import every entity class beside TypeORM's decorators, so clashes between imports happen too. */
function schemaWith(...names: string[]): SchemaDocument {
  return {
    name: 'name-clashes',
    entities: [...names.map(entityWith), { name: 'Label', primaryKey: 'integer' }, { name: 'Hub' }],
  };
}

describe('entity names never clash with the names generated files import', () => {
  // Every name any generated file imports from a package or from the platform: what emitters really use.
  const frameworkNames = new Set(
    typeScriptFiles(schemaWith('Probe'))
      .flatMap((file) => importsOf(file.content))
      .filter(({ from }) => !from.startsWith('.') || from.includes('/platform/'))
      .map(({ imported }) => imported)
      .filter((name) => /^[A-Z][A-Za-z0-9]*$/.test(name)),
  );
  const accepted = [...frameworkNames].sort().filter((name) => validateDocument(schemaWith(name)).document);

  test('the probe found the framework names, and the schema accepts them as entity names', () => {
    for (const name of ['Post', 'Get', 'Module', 'Entity', 'Column', 'IsTimestamp', 'EntityService', 'TypeOrmModule'])
      assert.ok(accepted.includes(name), name);
  });

  for (const name of accepted) {
    test(`an entity named ${name}: no file binds a name twice`, () => {
      for (const file of typeScriptFiles(schemaWith(name))) {
        const declared = [
          ...file.content.matchAll(/^(?:export )?(?:abstract )?(?:class|const|type) ([A-Za-z0-9_]+)/gm),
        ];
        const all = [...importsOf(file.content).map((binding) => binding.local), ...declared.map((match) => match[1])];
        assert.deepEqual(
          all.filter((local, index) => all.indexOf(local) !== index),
          [],
          `duplicate identifiers in ${file.path}:\n${file.content.slice(0, 800)}`,
        );
      }
    });
  }

  test('a project with an entity named after every one of them type-checks under strict', async () => {
    // Unique bindings are not enough: each use must refer to the alias. Only the compiler can tell.
    // Inside apso's repository, so the project resolves the packages the repository has installed.
    const dir = join(PACKAGE_ROOT, '..', 'test', '.tmp', 'name-clashes');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(join(dir, 'schema.apso.json'), JSON.stringify(schemaWith(...accepted)));
    await generate({ schemaPath: join(dir, 'schema.apso.json'), outDir: join(dir, 'out') });
    const result = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', join(dir, 'out', 'tsconfig.json'), '--noEmit'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });
});
