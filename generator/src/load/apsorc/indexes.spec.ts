import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { importApsorc } from './index';
import { clean, entity, field, file, one } from './spec-support';

describe('indexes', () => {
  test('indexes and uniques map to property names; single-column ones fold into the field', () => {
    const r = importApsorc(
      file(
        [
          { name: 'first_name', type: 'text' },
          { name: 'last_name', type: 'text' },
          { name: 'email', type: 'text', isUnique: true },
        ],
        {
          entity: {
            indexes: [
              { fields: ['first_name', 'last_name'] },
              { fields: ['email'], unique: true },
              { fields: ['last_name'], unique: false },
            ],
            uniques: [{ name: 'uq_person', fields: ['first_name', 'last_name'] }],
          },
        },
      ),
      { propertyNames: 'camelCase' },
    );
    clean(r);
    assert.deepEqual(entity(r, 'Thing').indexes, [
      { name: 'uq_person', fields: ['firstName', 'lastName'], unique: true },
    ]);
    assert.equal(field(r, 'Thing', 'email').unique, true);
    assert.equal(field(r, 'Thing', 'lastName').index, true);
  });

  test('an index over an unknown field is an error', () => {
    const r = importApsorc(
      file([{ name: 'first_name', type: 'text' }], { entity: { indexes: [{ fields: ['frist_name'] }] } }),
    );
    one(r.errors, '/entities/0/indexes/0/fields/0', /unknown field "frist_name".*did you mean "first_name"/);
  });

  test('kept as written, index fields name the properties as written', () => {
    const r = importApsorc(
      file(
        [
          { name: 'first_name', type: 'text' },
          { name: 'last_name', type: 'text' },
        ],
        { entity: { uniques: [{ name: 'uq_person', fields: ['first_name', 'lastName'] }] } },
      ),
    );
    clean(r);
    assert.deepEqual(entity(r, 'Thing').indexes, [
      { name: 'uq_person', fields: ['first_name', 'last_name'], unique: true },
    ]);
  });

  test("an index over apso's own columns names them; without timestamps it is an error", () => {
    const indexed = file([{ name: 'a', type: 'text' }], {
      entity: { indexes: [{ fields: ['a', 'created_at'] }, { fields: ['updated_at'] }] },
    });
    const camel = importApsorc(indexed, { propertyNames: 'camelCase' });
    clean(camel);
    assert.deepEqual(entity(camel, 'Thing').indexes, [{ fields: ['a', 'createdAt'] }, { fields: ['updatedAt'] }]);
    const r = importApsorc(indexed);
    clean(r);
    assert.deepEqual(entity(r, 'Thing').indexes, [{ fields: ['a', 'created_at'] }, { fields: ['updated_at'] }]);
    const off = importApsorc(
      file([], { entity: { created_at: false, updated_at: false, indexes: [{ fields: ['created_at'] }] } }),
    );
    one(off.errors, '/entities/0/indexes/0/fields/0', /timestamps are off/);
  });
});
