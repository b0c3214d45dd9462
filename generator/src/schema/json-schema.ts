import { join } from 'node:path';
import * as prettier from 'prettier';
import { z } from 'zod';
import { PRETTIER_OPTIONS } from '../format/style';
import { schemaDocumentSchema } from './schema';

/** The checked-in copy, for editors and readers; `npm run schema` rewrites it, schema.spec.ts fails while it is stale. */
export const JSON_SCHEMA_FILE = join(__dirname, 'apso.schema.json');

/**
 * The JSON Schema of schema.apso.json, derived from schema.ts each run, so what ajv validates cannot
 * lag behind the types. Draft-07: ajv's default draft and the one every editor's completion understands.
 * `io: 'input'` describes the file as written, where options with a default may be left out.
 */
export function deriveJsonSchema(definition: z.ZodType = schemaDocumentSchema): Record<string, unknown> {
  return z.toJSONSchema(definition, { target: 'draft-07', io: 'input' });
}

/**
 * On one line on purpose: prettier keeps an object expanded when its source breaks after `{`, so from
 * one line it lays the schema out by width alone, and the copy a standalone project gets (formatted
 * with everything apso writes) is byte for byte the checked-in one.
 */
export function jsonSchemaSource(): string {
  return JSON.stringify(deriveJsonSchema());
}

export function formatJsonSchema(): Promise<string> {
  return prettier.format(jsonSchemaSource(), { ...PRETTIER_OPTIONS, parser: 'json' });
}
