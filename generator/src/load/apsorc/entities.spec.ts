import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { importApsorc } from './index';
import { clean, entity, field, file, one } from './spec-support';

describe('entities', () => {
  test('names become PascalCase; table is kept as given, otherwise unset', () => {
    const r = importApsorc({
      entities: [
        { name: 'test', fields: [] },
        { name: 'order_item', fields: [] },
        { name: 'Order', table: 'order', fields: [] },
        { name: 'User', table: 'user', fields: [] },
      ],
    });
    clean(r);
    assert.deepEqual(
      r.document.entities.map((e) => [e.name, e.table]),
      [
        ['Test', undefined],
        ['OrderItem', undefined],
        ['Order', 'order'],
        ['User', 'user'],
      ],
    );
    one(r.warnings, '/entities/0/name', /"test" is named "Test"/);
  });

  test('duplicate names after normalisation are an error', () => {
    const r = importApsorc({ entities: [{ name: 'OrderItem' }, { name: 'order_item' }] });
    one(r.errors, '/entities/1/name', /same name "OrderItem"/);
    assert.equal(r.document.entities.length, 1);
  });

  test('created_at/updated_at become timestamps', () => {
    const r = importApsorc({
      entities: [
        { name: 'Both', created_at: true, updated_at: true },
        { name: 'Neither', created_at: false, updated_at: false },
        { name: 'Absent' },
        { name: 'OnlyCreated', created_at: true, updated_at: false },
        { name: 'OnlyUpdated', updated_at: true },
      ],
    });
    clean(r);
    assert.deepEqual(
      r.document.entities.map((e) => e.timestamps),
      [true, false, true, true, true],
    );
    assert.deepEqual(
      r.warnings.map((w) => w.pointer),
      ['/entities/3', '/entities/4'],
    );
    assert.match(r.warnings[0].message, /only created_at/);
  });

  test('primary key: primaryKeyType, an id field, APSO default serial', () => {
    const r = importApsorc({
      entities: [
        { name: 'Default' },
        { name: 'Serial', primaryKeyType: 'serial' },
        { name: 'Uuid', primaryKeyType: 'uuid' },
        { name: 'Text', primaryKeyType: 'text' },
        {
          name: 'IdUuid',
          fields: [
            { name: 'id', type: 'uuid' },
            { name: 'title', type: 'text' },
          ],
        },
        { name: 'IdSerial', fields: [{ name: 'id', type: 'serial', primary: true }] },
        { name: 'IdInteger', fields: [{ name: 'id', type: 'integer' }] },
        { name: 'IdBigserial', fields: [{ name: 'id', type: 'bigserial' }] },
        { name: 'IdText', fields: [{ name: 'id', type: 'text', primary: true }] },
        { name: 'Both', primaryKeyType: 'serial', fields: [{ name: 'id', type: 'uuid' }] },
      ],
    });
    clean(r);
    assert.deepEqual(
      r.document.entities.map((e) => e.primaryKey),
      ['integer', 'integer', 'uuid', 'uuid', 'uuid', 'integer', 'integer', 'integer', 'uuid', 'uuid'],
    );
    assert.deepEqual(
      entity(r, 'IdUuid').fields?.map((f) => f.name),
      ['title'],
    );
    assert.equal(entity(r, 'IdSerial').fields, undefined);
    one(r.warnings, '/entities/3/primaryKeyType', /using uuid/);
    one(r.warnings, '/entities/8/fields/0/type', /using uuid/);
    one(r.warnings, '/entities/9/fields/0/type', /id field wins/);
  });

  test('an unknown primaryKeyType is an error with a suggestion', () => {
    one(
      importApsorc({ entities: [{ name: 'A', primaryKeyType: 'uuidd' }] }).errors,
      '/entities/0/primaryKeyType',
      /did you mean "uuid"/,
    );
  });

  test('bookkeeping fields are dropped: created_at/updated_at into timestamps, deleted_at into softDelete', () => {
    const r = importApsorc(
      {
        entities: [
          {
            name: 'A',
            created_at: true,
            updated_at: true,
            fields: [
              { name: 'title', type: 'text' },
              { name: 'created_at', type: 'timestamp', default: 'CURRENT_TIMESTAMP' },
              { name: 'updated_at', type: 'timestamp' },
            ],
          },
          { name: 'B', created_at: false, updated_at: false, fields: [{ name: 'created_at', type: 'timestamp' }] },
          { name: 'C', fields: [{ name: 'deleted_at', type: 'timestamp', nullable: true }] },
        ],
      },
      { propertyNames: 'camelCase' },
    );
    clean(r);
    assert.deepEqual(
      entity(r, 'A').fields?.map((f) => f.name),
      ['title'],
    );
    one(r.warnings, '/entities/0/fields/1', /dropped/);
    one(r.warnings, '/entities/0/fields/2', /dropped/);
    assert.equal(entity(r, 'B').timestamps, true);
    one(r.warnings, '/entities/1/fields/0', /turned on/);
    assert.equal(entity(r, 'C').softDelete, true);
    assert.equal(entity(r, 'C').fields, undefined);
  });

  test('two entities on one table are an error', () => {
    const r = importApsorc({ entities: [{ name: 'Order' }, { name: 'Purchase', table: 'orders' }] });
    one(r.errors, '/entities/1/table', /"orders" is also the table of "Order"/);
  });

  test('a field named version is renamed: apso keeps version for optimistic locking', () => {
    const versionFile = file([{ name: 'version', type: 'integer' }], {
      entity: { indexes: [{ fields: ['version'], unique: true }] },
    });
    const r = importApsorc(versionFile, { propertyNames: 'camelCase' });
    clean(r);
    assert.deepEqual(field(r, 'Thing', 'versionValue'), { name: 'versionValue', type: 'integer', unique: true });
    one(r.warnings, '/entities/0/fields/0/name', /versionValue/);
    const asWritten = importApsorc(versionFile);
    clean(asWritten);
    assert.deepEqual(field(asWritten, 'Thing', 'version_value'), {
      name: 'version_value',
      type: 'integer',
      unique: true,
    });
  });

  test('roadmap options are ignored with a warning; _removedEntities silently', () => {
    const r = importApsorc({
      rootFolder: 'lib',
      apiType: 'Graphql',
      language: 'python',
      emitEvents: true,
      http: false,
      _removedEntities: ['Old'],
      entities: [{ name: 'A', emitEvents: true, http: false }],
    });
    clean(r);
    assert.deepEqual(r.warnings.map((w) => w.pointer).sort(), [
      '/apiType',
      '/emitEvents',
      '/entities/0/emitEvents',
      '/entities/0/http',
      '/http',
      '/language',
      '/rootFolder',
    ]);
  });

  test('the default values of rootFolder, apiType and language pass without a warning', () => {
    const r = importApsorc({
      version: 2,
      rootFolder: 'src',
      apiType: 'Rest',
      language: 'typescript',
      entities: [{ name: 'A' }],
    });
    clean(r);
    assert.deepEqual(r.warnings, []);
  });
});

describe("an APSO CLI client's routes and timestamps", () => {
  test("each entity keeps the APSO CLI's route, the plural of its name as written", () => {
    const r = importApsorc({
      version: 2,
      entities: [{ name: 'Customer' }, { name: 'OrderItem' }, { name: 'order_line' }, { name: 'Person' }],
    });
    clean(r);
    assert.deepEqual(
      r.document.entities.map((e) => [e.name, e.path]),
      [
        ['Customer', 'Customers'],
        ['OrderItem', 'OrderItems'],
        ['OrderLine', 'order_lines'],
        ['Person', 'People'],
      ],
    );
  });

  test('created_at and updated_at fields are the timestamps, named as the file names them', () => {
    const r = importApsorc(
      file([
        { name: 'title', type: 'text' },
        { name: 'created_at', type: 'timestamp', default: 'CURRENT_TIMESTAMP' },
        { name: 'updated_at', type: 'timestamp' },
      ]),
    );
    clean(r);
    assert.equal(entity(r, 'Thing').timestamps, true);
    assert.deepEqual(
      entity(r, 'Thing').fields?.map((f) => f.name),
      ['title'],
    );
    one(r.warnings, '/entities/0/fields/1', /apso's own timestamp column \(property "created_at"/);
  });
});
