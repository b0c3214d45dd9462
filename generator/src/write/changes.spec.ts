import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlannedFile } from '../plan/plan';
import { computeChanges } from './changes';
import { hashOf, MANIFEST_PATH, previouslyFormatted, renderManifest } from './manifest';

const owned = (path: string, content: string): PlannedFile => ({ path, owner: 'apso', content });
const userFile = (path: string, content: string): PlannedFile => ({ path, owner: 'user', content });
const summary = (changes: ReturnType<typeof computeChanges>) =>
  changes.changes.map((change) => `${change.kind} ${change.path}`);

describe('what a run writes', () => {
  test('a first run creates everything, the manifest included', () => {
    const result = computeChanges([owned('a.ts', 'A'), userFile('b.ts', 'B')], { files: {}, sources: {} }, () => null);
    assert.deepEqual(summary(result), ['create a.ts', 'create b.ts', `create ${MANIFEST_PATH}`]);
  });

  test('a second run with the same plan changes nothing', () => {
    const disk = new Map([
      ['a.ts', 'A'],
      ['b.ts', 'my edits'],
      [MANIFEST_PATH, renderManifest(new Map([['a.ts', { hash: hashOf('A') }]]))],
    ]);
    const result = computeChanges(
      [owned('a.ts', 'A'), userFile('b.ts', 'B')],
      { files: { 'a.ts': hashOf('A') }, sources: {} },
      (path) => disk.get(path) ?? null,
    );
    assert.deepEqual(summary(result), []);
    assert.equal(result.skippedUserFiles, 1);
  });

  test('an owned file edited by hand is a conflict; an unedited one is updated', () => {
    const disk = new Map([
      ['edited.ts', 'hand edit'],
      ['clean.ts', 'old'],
    ]);
    const manifest = { files: { 'edited.ts': hashOf('old'), 'clean.ts': hashOf('old') }, sources: {} };
    const result = computeChanges(
      [owned('edited.ts', 'new'), owned('clean.ts', 'new')],
      manifest,
      (path) => disk.get(path) ?? null,
    );
    assert.deepEqual(result.conflicts, ['edited.ts']);
    assert.deepEqual(summary(result).slice(0, 2), ['update edited.ts', 'update clean.ts']);
  });

  test('owned files no longer planned are deleted, unless edited by hand', () => {
    const disk = new Map([
      ['gone.ts', 'G'],
      ['gone-edited.ts', 'changed'],
    ]);
    const manifest = { files: { 'gone.ts': hashOf('G'), 'gone-edited.ts': hashOf('G2') }, sources: {} };
    const result = computeChanges([], manifest, (path) => disk.get(path) ?? null);
    assert.deepEqual(summary(result).slice(0, 2), ['delete gone-edited.ts', 'delete gone.ts']);
    assert.deepEqual(result.conflicts, ['gone-edited.ts']);
  });

  test('formatted bytes are reused only for the same source and an untouched file', () => {
    const manifest = { files: { 'a.ts': hashOf('formatted A') }, sources: { 'a.ts': 'source-of-A' } };
    assert.equal(previouslyFormatted(manifest, 'a.ts', 'source-of-A', 'formatted A'), 'formatted A');
    assert.equal(previouslyFormatted(manifest, 'a.ts', 'another source', 'formatted A'), undefined);
    assert.equal(previouslyFormatted(manifest, 'a.ts', 'source-of-A', 'edited by hand'), undefined);
    assert.equal(previouslyFormatted(manifest, 'a.ts', 'source-of-A', null), undefined);
  });
});
