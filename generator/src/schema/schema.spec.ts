import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { deriveJsonSchema, formatJsonSchema, JSON_SCHEMA_FILE } from './json-schema';

describe('the schema format has one definition', () => {
  test('the checked-in apso.schema.json is the JSON Schema derived from schema.ts', async () => {
    assert.equal(
      readFileSync(JSON_SCHEMA_FILE, 'utf8'),
      await formatJsonSchema(),
      'generator/src/schema/apso.schema.json is stale: run `npm run schema`',
    );
  });

  test('ajv in strict mode accepts the derived JSON Schema', () => {
    assert.doesNotThrow(() => new Ajv({ strict: true }).compile(deriveJsonSchema()));
  });
});
