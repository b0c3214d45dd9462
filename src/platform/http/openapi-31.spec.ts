import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenAPIObject } from '@nestjs/swagger';
import { toOpenApi31 } from './openapi-31';

function documentWith(schemas: Record<string, unknown>): OpenAPIObject {
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {}, components: { schemas } } as OpenAPIObject;
}

test('nullable becomes null among the types, and among the values of an enum', () => {
  const { components } = toOpenApi31(
    documentWith({
      Row: {
        type: 'object',
        properties: {
          note: { type: 'string', nullable: true, example: 'hi' },
          plan: { type: 'string', enum: ['a', 'b'], nullable: true },
          kept: { type: 'integer', nullable: false },
        },
      },
    }),
  );
  assert.deepEqual(components?.schemas?.Row, {
    type: 'object',
    properties: {
      note: { type: ['string', 'null'], examples: ['hi'] },
      plan: { type: ['string', 'null'], enum: ['a', 'b', null] },
      kept: { type: 'integer' },
    },
  });
});

test('a nullable schema without one type gets a null branch; its description stays outside', () => {
  const { components } = toOpenApi31(
    documentWith({
      Row: {
        type: 'object',
        properties: {
          parent: { allOf: [{ $ref: '#/components/schemas/Parent' }], nullable: true, description: 'The parent.' },
          // As @nestjs/swagger writes `@ApiPropertyOptional({ type: () => Profile, nullable: true })`.
          profile: { type: 'object', allOf: [{ $ref: '#/components/schemas/Profile' }], nullable: true },
          value: { oneOf: [{ type: 'object' }, { type: 'string' }], nullable: true },
          list: { type: 'array', items: { type: 'string', nullable: true } },
        },
      },
    }),
  );
  assert.deepEqual(components?.schemas?.Row, {
    type: 'object',
    properties: {
      parent: {
        description: 'The parent.',
        anyOf: [{ $ref: '#/components/schemas/Parent' }, { type: 'null' }],
      },
      profile: { anyOf: [{ $ref: '#/components/schemas/Profile' }, { type: 'null' }] },
      value: { oneOf: [{ type: 'object' }, { type: 'string' }, { type: 'null' }] },
      list: { type: 'array', items: { type: ['string', 'null'] } },
    },
  });
});

test('parameter, body, response and header schemas are rewritten too', () => {
  const document = toOpenApi31({
    ...documentWith({}),
    paths: {
      '/rows': {
        get: {
          parameters: [{ name: 'q', in: 'query', schema: { type: 'string', nullable: true } }],
          requestBody: { content: { 'application/json': { schema: { type: 'string', example: 'x' } } } },
          responses: {
            '200': {
              description: 'ok',
              headers: { ETag: { schema: { type: 'string', nullable: true } } },
              content: { 'application/json': { schema: { type: 'number', nullable: true } } },
            },
          },
        },
      },
    },
  } as OpenAPIObject);
  const text = JSON.stringify(document);
  assert.ok(!text.includes('nullable') && !text.includes('"example"'), text);
  assert.equal((text.match(/\["string","null"\]/g) ?? []).length, 2);
  assert.ok(text.includes('["number","null"]'));
});
