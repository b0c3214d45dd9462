import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { importApsorc } from './index';
import { clean, entity, one, relation } from './spec-support';

describe('version', () => {
  const entities = [
    { name: 'Author', fields: [{ name: 'name', type: 'text' }] },
    { name: 'Book', fields: [{ name: 'title', type: 'text' }] },
  ];

  test('top-level relationships are read in a file without version (the APSO CLI drops them)', () => {
    const r = importApsorc({ entities, relationships: [{ from: 'Author', to: 'Book', type: 'OneToMany' }] });
    clean(r);
    assert.deepEqual(relation(r, 'Author', 'books'), {
      name: 'books',
      type: 'OneToMany',
      target: 'Book',
      inverse: 'author',
      nullable: false,
    });
  });

  test('top-level relationships are read whatever version says', () => {
    for (const version of [1, 2]) {
      const r = importApsorc({ version, entities, relationships: [{ from: 'Book', to: 'Author', type: 'ManyToOne' }] });
      clean(r);
      assert.equal(relation(r, 'Book', 'author').inverse, 'books');
    }
  });

  test('v1 associations are read when there are no top-level relationships', () => {
    const r = importApsorc({
      version: 1,
      entities: [
        { ...entities[0], associations: [{ name: 'Book', type: 'OneToMany' }] },
        { ...entities[1], associations: [{ name: 'Author', type: 'ManyToOne', nullable: true }] },
      ],
    });
    clean(r);
    assert.deepEqual(entity(r, 'Book').relationships, undefined);
    assert.deepEqual(relation(r, 'Author', 'books'), {
      name: 'books',
      type: 'OneToMany',
      target: 'Book',
      inverse: 'author',
      nullable: true,
    });
  });

  test('v1: a ManyToOne without its OneToMany is one-sided; reference_name names it', () => {
    const r = importApsorc({
      entities: [
        entities[0],
        { ...entities[1], associations: [{ name: 'Author', type: 'ManyToOne', reference_name: 'writer' }] },
      ],
    });
    clean(r);
    assert.deepEqual(relation(r, 'Book', 'writer'), {
      name: 'writer',
      type: 'ManyToOne',
      target: 'Author',
      nullable: false,
    });
  });

  test('v1: ManyToMany with join_table on one side is owned by that side', () => {
    const r = importApsorc({
      entities: [
        { ...entities[0], associations: [{ name: 'Book', type: 'ManyToMany' }] },
        { ...entities[1], associations: [{ name: 'Author', type: 'ManyToMany', join_table: true }] },
      ],
    });
    clean(r);
    assert.equal(entity(r, 'Author').relationships, undefined);
    assert.deepEqual(relation(r, 'Book', 'authors'), {
      name: 'authors',
      type: 'ManyToMany',
      target: 'Author',
      inverse: 'books',
    });
  });

  test('associations are ignored, with a warning, beside top-level relationships or in a v2 file', () => {
    const withAssoc = [{ ...entities[0], associations: [{ name: 'Book', type: 'OneToMany' }] }, entities[1]];
    const a = importApsorc({ entities: withAssoc, relationships: [] });
    clean(a);
    one(a.warnings, '/relationships', /associations.*ignored/);
    assert.equal(entity(a, 'Author').relationships, undefined);
    const b = importApsorc({ version: 2, entities: withAssoc });
    one(b.warnings, '/version', /version 1 feature/);
    assert.equal(entity(b, 'Author').relationships, undefined);
  });
});
