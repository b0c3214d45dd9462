import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldSpec } from '../../schema/document';
import { importApsorc } from './index';
import { clean, entity, field, file, one } from './spec-support';

const CAMEL_CASE = { propertyNames: 'camelCase' } as const;
/** Names written in four styles, as real .apsorc files mix them. */
const MIXED_CASE_NAMES = file([
  { name: 'invoice_number', type: 'text' },
  { name: 'documentID', type: 'text' },
  { name: 'CRUDInterface', type: 'text' },
  { name: 'FNAME', type: 'text' },
]);

describe('fields', () => {
  test("by default names are kept as written: the APSO CLI's backend used them as properties", () => {
    const r = importApsorc(MIXED_CASE_NAMES);
    clean(r);
    assert.deepEqual(
      entity(r, 'Thing').fields?.map((f) => f.name),
      ['invoice_number', 'documentID', 'CRUDInterface', 'FNAME'],
    );
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.document.api, {
      propertyNames: 'asWritten',
      decimals: 'stringOrNumber',
      readOnlyInput: 'ignore',
    });
  });

  test('a name that cannot be a property as written is an error that points at --naming camelCase', () => {
    one(
      importApsorc(file([{ name: 'first-name', type: 'text' }])).errors,
      '/entities/0/fields/0/name',
      /cannot be a property as written.*--naming camelCase/,
    );
    const camel = importApsorc(file([{ name: 'first-name', type: 'text' }]), CAMEL_CASE);
    clean(camel);
    assert.deepEqual(
      entity(camel, 'Thing').fields?.map((f) => f.name),
      ['firstName'],
    );
  });

  test("with camelCase naming, names become camelCase; decimals and echoed read-only fields stay the APSO CLI's", () => {
    const r = importApsorc(MIXED_CASE_NAMES, CAMEL_CASE);
    assert.deepEqual(r.document.api, {
      propertyNames: 'camelCase',
      decimals: 'stringOrNumber',
      readOnlyInput: 'ignore',
    });
    clean(r);
    assert.deepEqual(
      entity(r, 'Thing').fields?.map((f) => f.name),
      ['invoiceNumber', 'documentId', 'crudInterface', 'fname'],
    );
    assert.equal(r.warnings.length, 3, 'snake_case names are converted silently, others with a note');
  });

  test('two fields with the same property name, or kept as written the same column, are an error', () => {
    const fields = [
      { name: 'first_name', type: 'text' },
      { name: 'firstName', type: 'text' },
    ];
    one(importApsorc(file(fields), CAMEL_CASE).errors, '/entities/0/fields/1/name', /same property name "firstName"/);
    one(importApsorc(file(fields)).errors, '/entities/0/fields/1/name', /same column "first_name"/);
  });

  test('type mapping table', () => {
    const cases: [string, Partial<FieldSpec>][] = [
      ['varchar', { type: 'string', length: 255 }],
      ['string', { type: 'string' }],
      ['char', { type: 'string', length: 1 }],
      ['text', { type: 'text' }],
      ['integer', { type: 'integer' }],
      ['int', { type: 'integer' }],
      ['smallint', { type: 'smallint' }],
      ['smallserial', { type: 'smallint' }],
      ['bigint', { type: 'bigint' }],
      ['bigserial', { type: 'bigint' }],
      ['serial', { type: 'integer' }],
      ['float', { type: 'float' }],
      ['real', { type: 'float' }],
      ['double', { type: 'float' }],
      ['decimal', { type: 'decimal', precision: 10, scale: 2 }],
      ['numeric', { type: 'decimal', precision: 10, scale: 2 }],
      ['money', { type: 'decimal', precision: 19, scale: 4 }],
      ['date', { type: 'date' }],
      ['time', { type: 'time' }],
      ['timetz', { type: 'time' }],
      ['timestamp', { type: 'timestamp' }],
      ['timestamptz', { type: 'timestamp' }],
      ['datetime', { type: 'timestamp' }],
      ['json', { type: 'json' }],
      ['jsonb', { type: 'jsonb' }],
      ['uuid', { type: 'uuid' }],
      ['interval', { type: 'interval' }],
      ['boolean', { type: 'boolean' }],
      ['VARCHAR(40)', { type: 'string', length: 40 }],
      ['numeric(12,3)', { type: 'decimal', precision: 12, scale: 3 }],
    ];
    const r = importApsorc(file(cases.map(([type], i) => ({ name: `f${i}`, type, nullable: true }))));
    clean(r);
    cases.forEach(([type, expected], i) => {
      assert.deepEqual(field(r, 'Thing', `f${i}`), { name: `f${i}`, nullable: true, ...expected }, type);
    });
    one(r.warnings, '/entities/0/fields/16/type', /money.*locale-formatted text/);
    one(r.warnings, '/entities/0/fields/10/type', /does not auto-increment/);
  });

  test('length, precision and scale are honoured', () => {
    const r = importApsorc(
      file([
        { name: 'code', type: 'varchar', length: 12 },
        { name: 'rate', type: 'numeric', precision: 6, scale: 4 },
      ]),
    );
    clean(r);
    assert.equal(field(r, 'Thing', 'code').length, 12);
    assert.deepEqual([field(r, 'Thing', 'rate').precision, field(r, 'Thing', 'rate').scale], [6, 4]);
  });

  test('enum with values; a varchar with values becomes an enum; hyphens stay', () => {
    const r = importApsorc(
      file([
        { name: 'status', type: 'enum', values: ['pending', 'completed', 'in-progress'], default: 'pending' },
        { name: 'state', type: 'varchar', values: ['open', 'closed'], nullable: true },
      ]),
    );
    clean(r);
    assert.deepEqual(field(r, 'Thing', 'status'), {
      name: 'status',
      type: 'enum',
      default: 'pending',
      values: ['pending', 'completed', 'in-progress'],
    });
    assert.deepEqual(field(r, 'Thing', 'state'), {
      name: 'state',
      type: 'enum',
      nullable: true,
      values: ['open', 'closed'],
    });
    one(r.warnings, '/entities/0/fields/1/type', /becomes an enum/);
  });

  test('enum without values is an error', () => {
    one(importApsorc(file([{ name: 'status', type: 'enum' }])).errors, '/entities/0/fields/0/type', /no "values"/);
  });

  test('primary on a field other than id makes it unique and required', () => {
    const r = importApsorc(file([{ name: 'code', type: 'varchar', length: 2, primary: true, nullable: true }]));
    clean(r);
    assert.deepEqual(field(r, 'Thing', 'code'), { name: 'code', type: 'string', unique: true, length: 2 });
    one(r.warnings, '/entities/0/fields/0/primary', /always "id"/);
  });

  test('is_email makes an email field', () => {
    const r = importApsorc(file([{ name: 'email', type: 'varchar', is_email: true, length: 320 }]));
    clean(r);
    assert.deepEqual(field(r, 'Thing', 'email'), { name: 'email', type: 'email', length: 320 });
  });

  test('unsupported and unknown types are errors, with a suggestion for near misses', () => {
    const types = [
      'bytea',
      'xml',
      'inet',
      'tsvector',
      'int4range',
      'array',
      'point',
      'geometry',
      'text[]',
      'strng',
      'integr',
      'timestmp',
      'geojson',
    ];
    const r = importApsorc(file(types.map((type, i) => ({ name: `f${i}`, type }))));
    assert.deepEqual(
      r.errors.map((e) => e.pointer),
      types.map((_, i) => `/entities/0/fields/${i}/type`),
    );
    assert.equal(r.errors[9].message, 'unknown type "strng"; did you mean "string"?');
    assert.match(r.errors[10].message, /did you mean "integer"/);
    assert.match(r.errors[11].message, /did you mean "timestamp"/);
    assert.equal(r.errors[12].message, 'unknown type "geojson"');
    assert.match(r.errors[0].message, /not supported/);
    assert.match(r.errors[5].message, /"json" or "jsonb"/);
  });

  test('unique/isUnique and index/isIndex are both honoured; unique covers index', () => {
    const r = importApsorc(
      file([
        { name: 'a', type: 'text', unique: true },
        { name: 'b', type: 'text', isUnique: true },
        { name: 'c', type: 'text', index: true },
        { name: 'd', type: 'text', isIndex: true },
        { name: 'e', type: 'text', isIndex: true, isUnique: true },
        { name: 'f', type: 'text', isIndex: false, isUnique: false },
      ]),
    );
    clean(r);
    assert.deepEqual(
      entity(r, 'Thing').fields?.map((f) => [f.name, f.unique, f.index]),
      [
        ['a', true, undefined],
        ['b', true, undefined],
        ['c', undefined, true],
        ['d', undefined, true],
        ['e', true, undefined],
        ['f', undefined, undefined],
      ],
    );
  });
});
