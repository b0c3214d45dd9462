import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * @nestjs/swagger writes the version it is told (3.1.0) but still builds its schemas in the 3.0
 * dialect. This rewrites, once on the built document, what JSON Schema 2020-12 (the dialect of 3.1)
 * says differently, so a 3.1 validator or client generator reads what the server really does:
 * - `nullable: true` becomes `null` in `type` (and in `enum`), or an `anyOf` with `{ type: 'null' }`
 *   when the schema has no single type (a `$ref`, a `oneOf`);
 * - `example` (deprecated in 3.1 schemas) becomes `examples: [example]`.
 */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  const components = document.components ?? {};
  for (const schema of Object.values(components.schemas ?? {})) rewriteSchema(schema);
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (operation === null || typeof operation !== 'object' || !('responses' in operation)) continue;
      for (const parameter of operation.parameters ?? []) rewriteSchema((parameter as { schema?: unknown }).schema);
      rewriteContent((operation.requestBody as { content?: unknown } | undefined)?.content);
      for (const response of Object.values(operation.responses ?? {})) {
        const { content, headers } = response as { content?: unknown; headers?: Record<string, { schema?: unknown }> };
        rewriteContent(content);
        for (const header of Object.values(headers ?? {})) rewriteSchema(header.schema);
      }
    }
  }
  return document;
}

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function rewriteContent(content: unknown): void {
  if (!isSchema(content)) return;
  for (const media of Object.values(content)) if (isSchema(media)) rewriteSchema(media.schema);
}

/** The keywords whose values are schemas, or lists or maps of them. */
const SUBSCHEMA = ['items', 'additionalProperties', 'not'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];

function rewriteSchema(schema: unknown): void {
  if (!isSchema(schema)) return;
  for (const key of SUBSCHEMA) rewriteSchema(schema[key]);
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach(rewriteSchema);
  if (isSchema(schema.properties)) Object.values(schema.properties).forEach(rewriteSchema);
  if ('example' in schema) {
    schema.examples = [schema.example];
    delete schema.example;
  }
  const nullable = schema.nullable === true;
  delete schema.nullable;
  if (nullable) allowNull(schema);
}

/** Keywords that describe a schema rather than constrain it: kept outside the anyOf they annotate. */
const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', 'readOnly', 'writeOnly']);

function allowNull(schema: Schema): void {
  // @nestjs/swagger writes a nullable reference as { type: 'object', allOf: [{ $ref }] }: null would
  // still have to pass the allOf, so the reference becomes one branch of an anyOf, null the other.
  if (Array.isArray(schema.allOf) || typeof schema.$ref === 'string') {
    if (schema.type === 'object') delete schema.type;
    return nullOrAsItWas(schema);
  }
  if (typeof schema.type === 'string') {
    schema.type = [schema.type, 'null'];
    if (Array.isArray(schema.enum)) schema.enum = [...(schema.enum as unknown[]), null];
    return;
  }
  if (Array.isArray(schema.type)) {
    if (!schema.type.includes('null')) schema.type = [...(schema.type as string[]), 'null'];
    return;
  }
  if (Array.isArray(schema.enum)) {
    schema.enum = [...(schema.enum as unknown[]), null];
    return;
  }
  if (Array.isArray(schema.oneOf)) {
    schema.oneOf = [...(schema.oneOf as unknown[]), { type: 'null' }];
    return;
  }
  nullOrAsItWas(schema);
}

/**
 * The schema as it was, or null: an anyOf, with the annotations kept on the outside. A lone reference
 * wrapped in allOf (how @nestjs/swagger attaches annotations to a $ref) is the reference itself there.
 */
function nullOrAsItWas(schema: Schema): void {
  const inner = Object.fromEntries(Object.entries(schema).filter(([key]) => !ANNOTATIONS.has(key)));
  for (const key of Object.keys(inner)) delete schema[key];
  const loneMember = Object.keys(inner).length === 1 && Array.isArray(inner.allOf) && inner.allOf.length === 1;
  schema.anyOf = [loneMember ? (inner.allOf as unknown[])[0] : inner, { type: 'null' }];
}
