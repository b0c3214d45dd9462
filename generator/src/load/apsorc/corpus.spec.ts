import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importApsorc } from './index';
import { validateDocument } from '../../validate/validate';
import { buildModel } from '../../model/build';
import { checkInvariants } from './spec-support';
import { CORPUS } from '../../../../test/support/corpus';

/** Files the importer refuses, and why: each is wrong in itself, not just unusual. */
const EXPECTED_ERRORS: Record<string, { why: string; pointers: string[] }> = {
  'kashif281__collab-project-manager.apsorc': {
    why: 'Assignment and test declare a unique index over project_id, which no field or relationship creates (test has no task relationship either); the APSO CLI emitted @Index(["project_id", "task_id"]) over missing properties, which TypeORM rejects at start-up',
    pointers: ['/entities/3/indexes/0/fields/0', '/entities/4/indexes/0/fields/0', '/entities/4/indexes/0/fields/1'],
  },
};

describe('corpus', CORPUS.options, () => {
  const files = CORPUS.files();

  test('the corpus is there', () => {
    assert.ok(files.length >= 23, `${files.length} files in ${CORPUS.dir}`);
  });

  for (const name of files) {
    test(name, () => {
      const text = readFileSync(join(CORPUS.dir, name), 'utf8');
      const fromText = importApsorc(text);
      const fromJson = importApsorc(JSON.parse(text));
      assert.deepEqual(fromText, fromJson, 'text and parsed JSON import alike');
      const expected = EXPECTED_ERRORS[name];
      assert.deepEqual(
        fromJson.errors.map((e) => e.pointer),
        expected?.pointers ?? [],
        JSON.stringify(fromJson.errors, null, 1),
      );
      for (const d of [...fromJson.errors, ...fromJson.warnings]) {
        assert.match(d.pointer, /^(\/[^/]*)*$/);
        assert.ok(d.message.length > 10);
      }
      checkInvariants(fromJson.document, name);
      if (!expected) {
        // What the importer accepts, apso's own validator and model accept too.
        const validated = validateDocument(fromJson.document);
        assert.deepEqual(validated.diagnostics, [], name);
        assert.equal(buildModel(validated.document!).entities.length, fromJson.document.entities.length);
      }
      // The import is deterministic.
      assert.deepEqual(importApsorc(JSON.parse(text)), fromJson);
    });
  }

  test('importing prints nothing', () => {
    const calls: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const saved = methods.map((m) => console[m]);
    const savedOut = process.stdout.write;
    const savedErr = process.stderr.write;
    methods.forEach((m) => (console[m] = (...args: unknown[]) => void calls.push(`${m}: ${args.join(' ')}`)));
    process.stdout.write = ((chunk: unknown) => (
      calls.push(`stdout: ${String(chunk)}`),
      true
    )) as typeof process.stdout.write;
    process.stderr.write = ((chunk: unknown) => (
      calls.push(`stderr: ${String(chunk)}`),
      true
    )) as typeof process.stderr.write;
    try {
      for (const name of files) importApsorc(readFileSync(join(CORPUS.dir, name), 'utf8'));
      importApsorc('not json');
      importApsorc({ entities: [{ name: 'A', fields: [{ name: 'x', type: 'strng' }] }] });
    } finally {
      methods.forEach((m, i) => (console[m] = saved[i]));
      process.stdout.write = savedOut;
      process.stderr.write = savedErr;
    }
    assert.deepEqual(calls, []);
  });
});
