import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apsoFile, type Artifact, json, text, userFile } from '../render/artifact';
import { contextOf } from '../render/spec-support';
import { planFiles } from './plan';

const document = { entities: [{ name: 'Note' }] };
const context = contextOf(document);

describe('planFiles', () => {
  test('every artifact contributes; objects are serialized; files come out sorted by path', () => {
    const config: Artifact = { name: 'config', files: () => [userFile('b.json', json({ z: 1, a: 2 }))] };
    const notes: Artifact = {
      name: 'notes',
      files: ({ model }) =>
        model.entities.map((entity) => apsoFile(`a/${entity.names.kebab}.ts`, text('export {};\n'))),
    };
    assert.deepEqual(planFiles(context, [config, notes]), [
      { path: 'a/note.ts', owner: 'apso', content: 'export {};\n', merge: undefined },
      { path: 'b.json', owner: 'user', content: '{\n  "z": 1,\n  "a": 2\n}\n', merge: undefined },
    ]);
  });

  test('two artifacts writing one path is an error naming both', () => {
    const first: Artifact = { name: 'first', files: () => [apsoFile('src/x.ts', text(''))] };
    const second: Artifact = { name: 'second', files: () => [userFile('src/x.ts', text(''))] };
    assert.throws(() => planFiles(context, [first, second]), /artifacts "first" and "second" both write src\/x\.ts/);
  });

  test('the registered artifacts give each entity its files, the feature wiring among them', () => {
    const paths = planFiles(context).map((file) => file.path);
    for (const path of [
      'src/modules/note/generated/note.entity.ts',
      'src/modules/note/generated/note.feature.ts',
      'src/modules/note/note.module.ts',
      'src/migrations/0001-apso-schema.ts',
      'package.json',
    ])
      assert.ok(paths.includes(path), path);
  });
});
