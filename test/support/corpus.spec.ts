import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_CORPUS_DIR, openCorpus } from './corpus';

describe('the .apsorc corpus location', () => {
  const present = mkdtempSync(join(tmpdir(), 'apso-corpus-'));
  const absent = join(present, 'absent');
  writeFileSync(join(present, 'b.apsorc'), '{}');
  writeFileSync(join(present, 'a.apsorc'), '{}');
  writeFileSync(join(present, 'notes.md'), '');

  after(() => rmSync(present, { recursive: true, force: true }));

  test('is shared/corpus/apsorc beside the clone unless APSO_CORPUS_DIR names one', () => {
    assert.equal(openCorpus({}).dir, resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'apsorc'));
    assert.equal(openCorpus({ APSO_CORPUS_DIR: '' }).dir, resolve(DEFAULT_CORPUS_DIR));
    assert.equal(openCorpus({ APSO_CORPUS_DIR: present }).dir, present);
  });

  test('a present corpus runs, listing its .apsorc files in order', () => {
    const corpus = openCorpus({ APSO_CORPUS_DIR: present });
    assert.deepEqual(corpus.options, {});
    assert.deepEqual(corpus.files(), ['a.apsorc', 'b.apsorc']);
  });

  test('a missing corpus is skipped outside CI, with one line naming the folder and the variable', () => {
    for (const CI of [undefined, '', 'false']) {
      const corpus = openCorpus({ APSO_CORPUS_DIR: absent, CI });
      assert.deepEqual(corpus.options, {
        skip: `no .apsorc corpus at ${absent}; set APSO_CORPUS_DIR to a folder of .apsorc files`,
      });
    }
  });

  test('in CI a missing corpus is not skipped: reading it fails', () => {
    const corpus = openCorpus({ APSO_CORPUS_DIR: absent, CI: 'true' });
    assert.deepEqual(corpus.options, {});
    assert.throws(
      () => corpus.files(),
      (error: Error) => error.message.startsWith(`no .apsorc corpus at ${absent}; set APSO_CORPUS_DIR`),
    );
  });
});
