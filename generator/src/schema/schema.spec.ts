import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { z } from 'zod';
import { DOCUMENT, documentationGaps, docSections, keyRows, outlineJsonSchema, zodObjectKeys } from './spec-support';
import { deriveJsonSchema, formatJsonSchema, JSON_SCHEMA_FILE } from './json-schema';
import { schemaDocumentSchema } from './schema';

const DOCS = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'schema.md'), 'utf8');
const checkedIn = () => JSON.parse(readFileSync(JSON_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

/** The heading of each object's section in docs/schema.md. */
const SECTIONS: Record<string, string> = {
  [DOCUMENT]: 'Top level',
  entity: 'Entities',
  cache: 'Cache',
  api: 'API conventions',
  field: 'Fields',
  relationship: 'Relationships',
  index: 'Indexes',
  deployment: 'Deployment',
  auth: 'Authentication',
  jwt: 'JWT',
  access: 'Access',
  apiKey: 'API keys',
  scope: 'Row scope',
  webhook: 'Webhooks',
  jobs: 'Jobs',
};

const sorted = (objects: ReadonlyMap<string, Iterable<string>>): Map<string, string[]> =>
  new Map(
    [...objects]
      .map(([name, keys]): [string, string[]] => [name, [...keys].sort()])
      .sort(([a], [b]) => a.localeCompare(b)),
  );

function docKeys(markdown: string, names: Iterable<string>): Map<string, string[]> {
  const sections = docSections(markdown);
  return new Map(
    [...names].map((name): [string, string[]] => {
      const section = sections.get(SECTIONS[name] ?? '');
      return [name, section ? [...keyRows(section).keys()] : []];
    }),
  );
}

/** The docs with one more table row after the row that starts with `anchor`. */
function withRowAfter(markdown: string, anchor: string, row: string): string {
  const lines = markdown.split('\n');
  const at = lines.findIndex((line) => line.startsWith(anchor));
  assert.ok(at >= 0, `docs/schema.md has a row starting ${anchor}`);
  return [...lines.slice(0, at + 1), row, ...lines.slice(at + 1)].join('\n');
}

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

  test('zod, the JSON Schema and docs/schema.md know the same objects and the same properties', () => {
    const fromZod = sorted(zodObjectKeys(schemaDocumentSchema));
    const fromJsonSchema = sorted(
      new Map([...outlineJsonSchema(checkedIn())].map(([name, properties]) => [name, properties.keys()])),
    );
    assert.deepEqual(fromJsonSchema, fromZod);
    assert.deepEqual(sorted(docKeys(DOCS, fromZod.keys())), fromZod);
  });

  test('docs/schema.md documents every property, whether it is required, its default and its allowed values', () => {
    assert.deepEqual(documentationGaps(outlineJsonSchema(checkedIn()), DOCS, SECTIONS), []);
  });

  test('every property has a description for editors to show', () => {
    const missing = [...outlineJsonSchema(deriveJsonSchema())].flatMap(([object, properties]) =>
      [...properties]
        .filter(([, property]) => typeof property.description !== 'string' || property.description === '')
        .map(([key]) => `${object}.${key}`),
    );
    assert.deepEqual(missing, []);
  });
});

describe('an option added in one place only is caught', () => {
  test('in zod only: the JSON Schema goes stale and the docs miss it', () => {
    const extended = schemaDocumentSchema.extend({ region: z.string().optional().describe('Where it runs.') });
    const derived = deriveJsonSchema(extended);
    assert.notDeepEqual(sorted(zodObjectKeys(extended)), sorted(zodObjectKeys(schemaDocumentSchema)));
    assert.notDeepEqual(derived, checkedIn());
    assert.deepEqual(documentationGaps(outlineJsonSchema(derived), DOCS, SECTIONS), [
      'docs/schema.md, Top level: `region` is not in the key table',
    ]);
  });

  test('in the docs only: an option or a field type the schema lacks', () => {
    const withOption = withRowAfter(DOCS, '| `scale` |', '| `collation` | | a collation |');
    const docs = withRowAfter(withOption, '| `uuid` |', '| `money` | `money` | string | |');
    assert.deepEqual(documentationGaps(outlineJsonSchema(checkedIn()), docs, SECTIONS), [
      'docs/schema.md, Fields: documents `collation`, which the schema does not have',
      'docs/schema.md, Fields: `type`: the "type" table lists "money", which the schema does not allow',
    ]);
  });

  test('in the JSON Schema only: a new enum value, default or inline key the docs do not show', () => {
    const edited = structuredClone(checkedIn()) as {
      definitions: Record<string, { properties: Record<string, Record<string, unknown>>; required: string[] }>;
    };
    const { field, relationship } = edited.definitions;
    (field.properties.type.enum as string[]).push('money');
    field.properties.scale.default = 2;
    field.properties.default.anyOf = [{ type: 'object', properties: { function: { type: 'string' } } }];
    relationship.required.push('inverse');
    assert.deepEqual(documentationGaps(outlineJsonSchema(edited), DOCS, SECTIONS), [
      'docs/schema.md, Fields: `type` allows "money", which neither its row nor a "type" table names',
      'docs/schema.md, Fields: `default` may hold an object with "function", which its row does not show',
      'docs/schema.md, Fields: `scale` defaults to 2, which its default column does not show',
      'docs/schema.md, Relationships: `inverse` is required, but its default column says ""',
    ]);
  });
});
