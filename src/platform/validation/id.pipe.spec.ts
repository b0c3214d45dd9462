import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestException } from '@nestjs/common';
import { IntegerIdPipe, UuidIdPipe } from './id.pipe';

const UUID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';

function rejection(transform: () => unknown): unknown {
  try {
    transform();
  } catch (error) {
    assert.ok(error instanceof BadRequestException);
    return error.getResponse();
  }
  assert.fail('expected a 400');
}

test('an integer id in the column range passes, leading zeros included', () => {
  const pipe = new IntegerIdPipe();
  assert.equal(pipe.transform('42'), 42);
  assert.equal(pipe.transform('007'), 7);
  assert.equal(pipe.transform('-2147483648'), -2_147_483_648);
  assert.equal(pipe.transform('2147483647'), 2_147_483_647);
});

test('an integer id out of range, or not an integer, is a 400 naming id', () => {
  const pipe = new IntegerIdPipe();
  for (const id of ['2147483648', '99999999999999999999', '1.5', '1e3', 'abc', '', ' 1', '+1']) {
    assert.deepEqual(
      rejection(() => pipe.transform(id)),
      {
        type: 'https://apso.dev/problems/validation',
        title: 'The request has invalid fields',
        status: 400,
        detail: 'Invalid fields: id',
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid fields: id',
        fields: [{ field: 'id', errors: ['id must be an integer from -2147483648 to 2147483647'] }],
      },
    );
  }
});

test('a uuid id passes in any case; anything else is a 400 naming id', () => {
  const pipe = new UuidIdPipe();
  assert.equal(pipe.transform(UUID.toUpperCase()), UUID.toUpperCase());
  assert.deepEqual((rejection(() => pipe.transform('not-a-uuid')) as { fields: unknown }).fields, [
    { field: 'id', errors: ['id must be a UUID'] },
  ]);
});
