import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { looksLikeApsorc } from './index';
import { CORPUS } from '../../../../test/support/corpus';

describe('looksLikeApsorc', () => {
  test('by file name', () => {
    assert.equal(looksLikeApsorc({}, '/x/.apsorc'), true);
    assert.equal(looksLikeApsorc({}, 'C:\\x\\service.apsorc'), true);
    assert.equal(looksLikeApsorc({}, 'schema.apso.json'), false);
  });
  test('by shape', () => {
    assert.equal(
      looksLikeApsorc({ entities: [], relationships: [{ from: 'A', to: 'B', type: 'OneToMany' }] }, 'schema.json'),
      true,
    );
    assert.equal(
      looksLikeApsorc({ entities: [{ name: 'A', fields: [{ name: 'n', type: 'varchar' }] }] }, 'schema.json'),
      true,
    );
    assert.equal(
      looksLikeApsorc('{"entities":[{"name":"A","fields":[{"name":"n","type":"timestamptz"}]}]}', 'schema.json'),
      true,
    );
    const apso = {
      entities: [
        {
          name: 'Task',
          primaryKey: 'uuid',
          fields: [{ name: 'title', type: 'string' }],
          relationships: [{ name: 'owner', type: 'ManyToOne', target: 'User' }],
        },
      ],
    };
    assert.equal(looksLikeApsorc(apso, 'schema.apso.json'), false);
    assert.equal(looksLikeApsorc('not json', 'schema.apso.json'), false);
  });
  test('every corpus file is recognised, by name and by shape', CORPUS.options, () => {
    for (const name of CORPUS.files()) {
      const raw = JSON.parse(readFileSync(join(CORPUS.dir, name), 'utf8'));
      assert.equal(looksLikeApsorc(raw, name), true, name);
      const byShape = looksLikeApsorc(raw, 'schema.json');
      assert.equal(byShape, true, `${name} by shape`);
    }
  });
});
