import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildModel } from '../../model/build';
import type { EntityModel } from '../../model/types';
import type { ApiSpec, SchemaDocument } from '../../schema/document';
import { validateDocument } from '../../validate/validate';
import { renderDto } from './crud';
import { renderEntity } from './entity';
import { renderUserController } from './user-files';

/** A product with a snake_case field and a decimal, under the given conventions. */
function product(api?: ApiSpec, path?: string): { entity: EntityModel; model: ReturnType<typeof buildModel> } {
  const document: SchemaDocument = {
    ...(api ? { api } : {}),
    entities: [
      {
        name: 'Product',
        ...(path ? { path } : {}),
        fields: [
          { name: api?.propertyNames === 'asWritten' ? 'first_name' : 'firstName', type: 'text' },
          { name: 'price', type: 'decimal', precision: 10, scale: 2 },
        ],
      },
    ],
  };
  const validated = validateDocument(document);
  assert.deepEqual(validated.diagnostics, []);
  const model = buildModel(validated.document!);
  return { entity: model.entities[0], model };
}

const APSO_CLI: ApiSpec = { propertyNames: 'asWritten', decimals: 'stringOrNumber', readOnlyInput: 'ignore' };

describe('the api conventions of schema.apso.json', () => {
  test('as written, the fields and the timestamps are properties spelled as their columns', () => {
    const { entity, model } = product(APSO_CLI);
    assert.deepEqual(
      entity.columns.map((column) => [column.property, column.column]),
      [
        ['id', 'id'],
        ['first_name', 'first_name'],
        ['price', 'price'],
        ['created_at', 'created_at'],
        ['updated_at', 'updated_at'],
      ],
    );
    const source = renderEntity(entity, model);
    assert.match(source, /@CreateDateColumn\(\{ name: 'created_at', type: 'timestamptz' \}\)\n {2}created_at!: Date;/);
    assert.match(source, /@Index\('products_created_at_idx', \['created_at'\]\)/);
  });

  test("camelCase (apso's default) keeps createdAt and refuses a snake_case field", () => {
    const { entity } = product();
    assert.deepEqual(
      entity.columns.map((column) => column.property),
      ['id', 'firstName', 'price', 'createdAt', 'updatedAt'],
    );
    const refused = validateDocument({ entities: [{ name: 'A', fields: [{ name: 'first_name', type: 'text' }] }] });
    assert.deepEqual(
      refused.diagnostics.map((d) => `${d.pointer}: ${d.message}`),
      [
        '/entities/0/fields/0/name: "first_name" must be camelCase (letters and digits, starting lower-case), e.g. "firstName"',
      ],
    );
  });

  test('decimals: a JSON number is accepted only with stringOrNumber, which validates precision and scale', () => {
    const strict = renderDto(product().entity, product().model);
    assert.match(strict, /price!: string;/);
    assert.doesNotMatch(strict, /IsDecimalInput/);
    const lenient = renderDto(product(APSO_CLI).entity, product(APSO_CLI).model);
    assert.match(lenient, /@IsDecimalInput\(10, 2\)\n {2}price!: string \| number;/);
  });

  test('readOnlyInput ignore lets a body carry the id and the timestamps, which are not written', () => {
    const lenient = renderDto(product(APSO_CLI).entity, product(APSO_CLI).model);
    for (const property of ['id', 'created_at', 'updated_at']) {
      assert.match(lenient, new RegExp(`@IgnoredInput\\(\\)\\n {2}${property}\\?: unknown;`), property);
    }
    // No input property createdAt (the list query's filter description may name it; the response class answers it).
    const strict = renderDto(product().entity, product().model);
    const inputs = strict.slice(strict.indexOf('export class CreateProductDto'));
    assert.doesNotMatch(inputs.slice(0, inputs.indexOf('\n}')), /IgnoredInput|createdAt[?!]?:/);
    assert.doesNotMatch(strict, /IgnoredInput/);
  });

  test('with soft delete, the deleted_at a row is read with is ignored too', () => {
    const model = buildModel({ api: APSO_CLI, entities: [{ name: 'Note', softDelete: true }] });
    assert.match(renderDto(model.entities[0], model), /@IgnoredInput\(\)\n {2}deleted_at\?: unknown;/);
  });

  test('path sets the route; without it the route is the kebab-case plural', () => {
    assert.match(renderUserController(product(APSO_CLI, 'Products').entity), /@Controller\('Products'\)/);
    assert.match(renderUserController(product().entity), /@Controller\('products'\)/);
    const clash = validateDocument({ entities: [{ name: 'Product' }, { name: 'Item', path: 'PRODUCTS' }] });
    assert.deepEqual(
      clash.diagnostics.map((d) => d.pointer),
      ['/entities/1/path'],
    );
  });
});
