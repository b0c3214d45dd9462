import { type EntityModel, isReadable, isWritable, type Model } from '../../generator/src/model/types';
import { creationOrder, MODEL_CLIENT, sampleValue } from './crud-smoke';

/**
 * The source of a strict TypeScript program that drives every entity of `model` through a client
 * generated from the live OpenAPI document (openapi-typescript types in `./api.mjs`, openapi-fetch
 * calls): create, read, list with a filter, update, the errors a client meets (unknown id, invalid
 * query) and delete, parents before children and deletes in reverse. It prints every response it
 * got as JSON (method, path template, status, content type, body) for the test to validate against
 * the document. A new entity in the schema is driven without touching this file.
 */
export function renderClientProgram(model: Model): string {
  const order = creationOrder(model);
  const created = new Set<string>();
  serial = 1;
  const lines = [
    "import createClient from 'openapi-fetch';",
    "import qs from 'qs';",
    "import type { paths } from './api.mjs';",
    '',
    'interface Recorded {',
    '  method: string;',
    '  path: string;',
    '  status: number;',
    '  contentType: string | null;',
    '  body: unknown;',
    '}',
    'const recorded: Recorded[] = [];',
    '',
    '// filter[id][eq]=…: nested brackets, as the server parses them (openapi-fetch writes one level only);',
    '// arrays comma-separated (include=a,b), as the document says (style form, not exploded).',
    "const client = createClient<paths>({ baseUrl: process.argv[2], querySerializer: (query) => qs.stringify(query, { arrayFormat: 'comma' }) });",
    '',
    '/** Records a response; returns its data, which must be there when `expected` is a success. */',
    'function record<T>(',
    '  method: string,',
    '  path: string,',
    '  expected: number,',
    '  result: { data?: T; error?: unknown; response: Response },',
    '): T {',
    '  const { status } = result.response;',
    "  recorded.push({ method, path, status, contentType: result.response.headers.get('content-type'), body: result.data ?? result.error ?? null });",
    '  if (status !== expected) throw new Error(`${method} ${path}: ${status}, expected ${expected}: ${JSON.stringify(result.error)}`);',
    '  return result.data as T;',
    '}',
    '',
    'async function main(): Promise<void> {',
  ];
  for (const entity of order) {
    lines.push(...renderEntityCalls(entity, created));
    created.add(entity.names.className);
  }
  for (const entity of [...order].reverse()) lines.push(...renderDelete(entity));
  lines.push(
    '}',
    '',
    'void main().then(',
    '  () => process.stdout.write(JSON.stringify(recorded)),',
    '  (error: unknown) => {',
  );
  lines.push(
    '    process.stderr.write(`${String(error)}\\n${JSON.stringify(recorded)}`);',
    '    process.exit(1);',
    '  },',
    ');',
  );
  return `${lines.join('\n')}\n`;
}

function variable(entity: EntityModel): string {
  return entity.names.camel;
}

/** The list query of the program: a filter on the row's id, embedding every relation of the entity. */
function listQuery(entity: EntityModel): string {
  const relations = entity.relations.map((relation) => JSON.stringify(relation.property));
  const include = relations.length > 0 ? `, include: [${relations.join(', ')}]` : '';
  return `{ filter: { id: { eq: ${variable(entity)}.id } }, limit: 10${include} }`;
}

/** A create body: sample values for fields, the created parents' ids for foreign keys and id lists. */
function createBody(entity: EntityModel, created: ReadonlySet<string>, serial: number): string {
  const members: string[] = [];
  const byProperty = (name: string) => entity.relations.find((relation) => relation.property === name);
  for (const column of entity.columns) {
    if (column.role === 'field' && isWritable(column)) {
      members.push(`${column.property}: ${JSON.stringify(sampleValue(column, serial, MODEL_CLIENT))}`);
    } else if (column.role === 'foreignKey') {
      const target = byProperty(column.relation!)!.target;
      if (created.has(target) && target !== entity.names.className) {
        members.push(`${column.property}: ${lowerFirst(target)}.id`);
      } else if (!column.nullable) {
        throw new Error(`${entity.names.className}.${column.property}: ${target} is not created first`);
      }
    }
  }
  for (const relation of entity.relations.filter((candidate) => candidate.idsProperty)) {
    if (created.has(relation.target) && relation.target !== entity.names.className) {
      members.push(`${relation.idsProperty}: [${lowerFirst(relation.target)}.id]`);
    }
  }
  return `{ ${members.join(', ')} }`;
}

function lowerFirst(className: string): string {
  return className.charAt(0).toLowerCase() + className.slice(1);
}

/** A PATCH body: a new value for the first plain field, or nothing (a PATCH may change nothing). */
function patchBody(entity: EntityModel, serial: number): string {
  const column = entity.columns.find(
    (candidate) =>
      candidate.role === 'field' &&
      isReadable(candidate) &&
      ['string', 'text', 'integer', 'email'].includes(candidate.type),
  );
  return column ? `{ ${column.property}: ${JSON.stringify(sampleValue(column, serial, MODEL_CLIENT))} }` : '{}';
}

/** An id no row has, of the key's type. */
function unknownId(entity: EntityModel): string {
  return entity.primaryKey.type === 'uuid' ? "'00000000-0000-4000-8000-000000000000'" : '2147483647';
}

let serial = 1;

function renderEntityCalls(entity: EntityModel, created: ReadonlySet<string>): string[] {
  const collection = `/${entity.names.route}`;
  const item = `${collection}/{id}`;
  const name = variable(entity);
  const byId = (id: string) => `{ params: { path: { id: ${id} } } }`;
  serial += 2;
  return [
    `  // ${entity.names.className}`,
    `  const ${name} = record('POST', '${collection}', 201, await client.POST('${collection}', { body: ${createBody(entity, created, serial)} }));`,
    `  record('GET', '${item}', 200, await client.GET('${item}', ${byId(`${name}.id`)}));`,
    `  const ${name}List = record('GET', '${collection}', 200, await client.GET('${collection}', { params: { query: ${listQuery(entity)} } }));`,
    `  if (${name}List.data.length !== 1 || ${name}List.data[0].id !== ${name}.id) throw new Error('the filter on id finds the ${name}');`,
    `  record('PATCH', '${item}', 200, await client.PATCH('${item}', { ...${byId(`${name}.id`)}, body: ${patchBody(entity, serial + 1)} }));`,
    `  record('GET', '${item}', 404, await client.GET('${item}', ${byId(unknownId(entity))}));`,
    `  record('GET', '${collection}', 400, await client.GET('${collection}', { params: { query: { limit: 1000 } } }));`,
  ];
}

function renderDelete(entity: EntityModel): string[] {
  const item = `/${entity.names.route}/{id}`;
  const byId = `{ params: { path: { id: ${variable(entity)}.id } } }`;
  return [
    `  record('DELETE', '${item}', 204, await client.DELETE('${item}', ${byId}));`,
    `  record('GET', '${item}', 404, await client.GET('${item}', ${byId}));`,
  ];
}
