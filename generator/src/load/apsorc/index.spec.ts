import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { importApsorc } from './index';
import { clean, field, one } from './spec-support';

describe('file shape', () => {
  test('text that is not JSON is one error at the root', () => {
    const r = importApsorc('{ "entities": [ }');
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].pointer, '');
    assert.match(r.errors[0].message, /not valid JSON/);
    assert.deepEqual(r.document.entities, []);
  });

  test('JSON with comments, as rc accepts, is read', () => {
    const r = importApsorc(
      '// service\n{ "entities": [ /* one */ { "name": "A", "fields": [{ "name": "url", "type": "text", "default": "http://x" }] } ] }',
    );
    clean(r);
    assert.equal(field(r, 'A', 'url').default, 'http://x');
  });

  test('a top level that is not an object is an error at the root', () => {
    for (const raw of [[], null, 42, 'true']) {
      const r = importApsorc(raw);
      assert.equal(r.errors.length, 1, JSON.stringify(raw));
      assert.equal(r.errors[0].pointer, '');
    }
  });

  test('missing or malformed entities is an error at /entities', () => {
    one(importApsorc({}).errors, '/entities', /no "entities"/);
    one(importApsorc({ entities: {} }).errors, '/entities', /must be a list/);
    one(importApsorc({ entities: [] }).errors, '/entities', /empty/);
  });

  test('every error is reported at once, each with its pointer', () => {
    const r = importApsorc({
      entities: [
        { name: 'A', fields: [{ name: 'x', type: 'strng' }, { name: 'y', type: 'bytea' }, { name: 'z' }] },
        { name: 'B', fields: [{ name: 's', type: 'enum', values: ['a'], default: 'b' }] },
      ],
      relationships: [
        { from: 'A', to: 'Nope', type: 'OneToMany' },
        { from: 'A', to: 'B', type: 'OneToFew' },
      ],
    });
    assert.deepEqual(
      r.errors.map((e) => e.pointer),
      [
        '/entities/0/fields/0/type',
        '/entities/0/fields/1/type',
        '/entities/0/fields/2/type',
        '/entities/1/fields/0/default',
        '/relationships/0/to',
        '/relationships/1/type',
      ],
    );
  });
});
