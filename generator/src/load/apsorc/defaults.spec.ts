import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { importApsorc } from './index';
import { clean, field, file, one } from './spec-support';

describe('defaults reach the database exactly as written', () => {
  const cases: [string, unknown, unknown][] = [
    ['boolean', 'false', false],
    ['boolean', 'true', true],
    ['boolean', false, false],
    ['boolean', "'f'", false],
    ['integer', '42', 42],
    ['integer', 7, 7],
    ['bigint', '9007199254740993', { sql: '9007199254740993' }],
    ['numeric', '12345678901234567.89', { sql: '12345678901234567.89' }],
    ['numeric', '12.50', 12.5],
    ['float', '-1e3', -1000],
    ['timestamp', 'CURRENT_TIMESTAMP', { sql: 'CURRENT_TIMESTAMP' }],
    ['timestamptz', 'now()', { sql: 'now()' }],
    ['date', 'CURRENT_DATE', { sql: 'CURRENT_DATE' }],
    ['uuid', 'gen_random_uuid()', { sql: 'gen_random_uuid()' }],
    ['integer', "nextval('seq'::regclass)", { sql: "nextval('seq'::regclass)" }],
    ['varchar', "'active'", 'active'],
    ['varchar', "'it''s'", "it's"],
    ['varchar', "'pending'::character varying", 'pending'],
    ['varchar', 'active', 'active'],
    ['text', '<b>Tom & "Jerry"</b>', '<b>Tom & "Jerry"</b>'],
    ['varchar', '', ''],
    ['date', "'2024-01-01'", '2024-01-01'],
    ['time', '09:30', '09:30'],
    ['timestamp', '2024-01-31T09:30:00Z', '2024-01-31T09:30:00Z'],
    ['interval', '1 month', '1 month'],
    ['jsonb', '{"a":1}', { a: 1 }],
    ['json', [1, 2], [1, 2]],
  ];
  test('per type', () => {
    const r = importApsorc(
      file(cases.map(([type, value], i) => ({ name: `f${i}`, type, default: value, nullable: true }))),
    );
    clean(r);
    cases.forEach(([type, , expected], i) =>
      assert.deepEqual(field(r, 'Thing', `f${i}`).default, expected, `${type} ${JSON.stringify(cases[i][1])}`),
    );
  });

  test('an enum default, quoted or not, must be one of the values', () => {
    const r = importApsorc(
      file([
        { name: 'a', type: 'enum', values: ['active', 'done'], default: "'active'" },
        { name: 'b', type: 'varchar', values: ["'active'", "'pending'"], default: "'active'" },
        { name: 'c', type: 'enum', values: ['active', 'done'], default: 'archived' },
      ]),
    );
    assert.equal(field(r, 'Thing', 'a').default, 'active');
    assert.deepEqual(field(r, 'Thing', 'b'), {
      name: 'b',
      type: 'enum',
      default: 'active',
      values: ['active', 'pending'],
    });
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].pointer, '/entities/0/fields/2/default');
    assert.match(r.errors[0].message, /"archived" is not one of the enum's values \("active", "done"\)/);
  });

  test('defaults that do not fit the type are errors', () => {
    const r = importApsorc(
      file([
        { name: 'a', type: 'boolean', default: 'maybe' },
        { name: 'b', type: 'integer', default: '1.5' },
        { name: 'c', type: 'uuid', default: 'abc' },
        { name: 'd', type: 'date', default: 'tomorrow' },
        { name: 'e', type: 'varchar', length: 3, default: 'toolong' },
        { name: 'f', type: 'timestamp', default: 'soon' },
      ]),
    );
    assert.deepEqual(
      r.errors.map((e) => e.pointer),
      ['a', 'b', 'c', 'd', 'e', 'f'].map((_, i) => `/entities/0/fields/${i}/default`),
    );
    assert.match(r.errors[3].message, /"tomorrow" is not a date like "2024-01-31"/);
    assert.match(r.errors[4].message, /longer than the field's length 3/);
  });

  test('no default stays no default; the APSO CLI habits are pointed out', () => {
    const r = importApsorc(
      file([
        { name: 'done', type: 'boolean' },
        { name: 'state', type: 'enum', values: ['a', 'b'] },
        { name: 'note', type: 'text', default: null },
      ]),
    );
    clean(r);
    assert.equal(field(r, 'Thing', 'done').default, undefined);
    assert.equal(field(r, 'Thing', 'state').default, undefined);
    assert.equal(field(r, 'Thing', 'note').default, undefined);
    one(r.warnings, '/entities/0/fields/0', /silently used true/);
    one(r.warnings, '/entities/0/fields/1', /first value "a"/);
  });
});
