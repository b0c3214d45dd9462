import { mayReadThrough } from '../../generator/src/model/access';
import { type EntityModel, isReadable, isWritable, type Model } from '../../generator/src/model/types';
import { creationOrder, MODEL_CLIENT, sampleValue } from './crud-smoke';

/**
 * The source of a strict TypeScript program that drives every entity of `model` through a client
 * generated from the live OpenAPI document (openapi-typescript types in `./api.mjs`, openapi-fetch
 * calls): create, read, list with a filter, update, the errors a client meets (unknown id, invalid
 * query) and delete, parents before children and deletes in reverse. It prints every response it
 * got as JSON (method, path template, status, content type, body) for the test to validate against
 * the document. A new entity in the schema is driven without touching this file.
 *
 * With authentication (`model.auth`), the program authenticates as a client of the document would:
 * it reads each operation's `security` from `./openapi.json` and sends `Authorization: Bearer` where a
 * requirement names an HTTP bearer scheme, nothing where the operation is public (`security: []`).
 * It signs its own token with AUTH_JWT_SECRET (from its environment), standing in for an identity
 * provider: every role the access rules name, and for each row scope the id of the row it created
 * (`org_id` once it created an organization, `sub` once it created a user). Each entity is also
 * listed without a token: a 401 where the document says the operation is protected, a 200 where public.
 */
export function renderClientProgram(model: Model): string {
  const order = creationOrder(model);
  const created = new Set<string>();
  const claimsOf = scopeClaims(model, order);
  serial = 1;
  const lines = [
    "import createClient from 'openapi-fetch';",
    "import qs from 'qs';",
    "import type { paths } from './api.mjs';",
    ...(model.auth === null ? [] : authenticationLines(model)),
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
    "const newClient = () => createClient<paths>({ baseUrl: process.argv[2], querySerializer: (query) => qs.stringify(query, { arrayFormat: 'comma' }) });",
    'const client = newClient();',
    ...(model.auth === null
      ? []
      : [
          'client.use(authentication);',
          '/** The same client without credentials. */',
          'const anonymous = newClient();',
        ]),
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
    lines.push(...renderEntityCalls(model, entity, created, claimsOf.get(entity.names.className) ?? []));
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

/**
 * The program's token, and how it picks the operations that need it: from the document, as a client
 * would (an operation's `security`, else the document's; `[]` or an empty requirement: public).
 */
function authenticationLines(model: Model): string[] {
  const roles = new Set<string>();
  for (const entity of model.entities)
    for (const operation of entity.operations)
      if (typeof operation.access === 'object' && operation.access !== null)
        for (const role of operation.access.roles) roles.add(role);
  const claims = { sub: 'openapi-client', [model.auth!.jwt.rolesClaim]: [...roles].sort() };
  return [
    "import { readFileSync } from 'node:fs';",
    "import { SignJWT } from 'jose';",
    "import type { Middleware } from 'openapi-fetch';",
    '',
    'type SecurityRequirement = Record<string, string[]>;',
    "const openapi = JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8')) as {",
    '  security?: SecurityRequirement[];',
    '  paths: Record<string, Record<string, { security?: SecurityRequirement[] }>>;',
    '  components: { securitySchemes?: Record<string, { type: string; scheme?: string }> };',
    '};',
    '',
    '/** Whether this client sends its bearer token on an operation: where one of its security requirements takes it. */',
    'function sendsToken(path: string, method: string): boolean {',
    '  const operation = openapi.paths[path]?.[method.toLowerCase()];',
    '  if (operation === undefined) throw new Error(`${method} ${path} is not in the document`);',
    '  const requirements = operation.security ?? openapi.security ?? [];',
    '  const isBearer = (name: string) => {',
    '    const scheme = openapi.components.securitySchemes?.[name];',
    "    return scheme?.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer';",
    '  };',
    '  const withToken = requirements.some((requirement) => Object.keys(requirement).length > 0 && Object.keys(requirement).every(isBearer));',
    '  const open = requirements.length === 0 || requirements.some((requirement) => Object.keys(requirement).length === 0);',
    '  if (!withToken && !open) throw new Error(`${method} ${path}: no security requirement takes a bearer token`);',
    '  return withToken;',
    '}',
    '',
    '/** The claims of the token; a scope claim is set once the program created the row it names. */',
    `const claims: Record<string, unknown> = ${JSON.stringify(claims)};`,
    "const secret = new TextEncoder().encode(process.env.AUTH_JWT_SECRET ?? '');",
    'const authentication: Middleware = {',
    '  async onRequest({ request, schemaPath }) {',
    '    if (!sendsToken(schemaPath, request.method)) return undefined;',
    '    const token = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) + 600 })',
    "      .setProtectedHeader({ alg: 'HS256' })",
    '      .sign(secret);',
    "    request.headers.set('authorization', `Bearer ${token}`);",
    '    return request;',
    '  },',
    '};',
  ];
}

/**
 * For each entity, the scope claims its new row's id becomes: the first row created of a relation
 * scope's target. A field scope (a claim compared with a plain column) is not driven by this program.
 */
function scopeClaims(model: Model, order: readonly EntityModel[]): Map<string, string[]> {
  const claims = new Map<string, string[]>();
  if (model.auth === null) return claims;
  const assigned = new Set<string>();
  for (const entity of order) {
    for (const scoped of model.entities) {
      const scope = scoped.scope;
      if (scope === null) continue;
      if (scope.relation === undefined) {
        throw new Error(`${scoped.names.className}: a field scope is not driven by the OpenAPI client program`);
      }
      const target = scoped.relations.find((relation) => relation.property === scope.relation)!.target;
      if (target !== entity.names.className || assigned.has(scope.claim)) continue;
      assigned.add(scope.claim);
      claims.set(target, [...(claims.get(target) ?? []), scope.claim]);
    }
  }
  return claims;
}

function variable(entity: EntityModel): string {
  return entity.names.camel;
}

/**
 * The list query of the program: a filter on the row's id, embedding every relation of the entity
 * that `include` takes (not one whose target's reads need more than the entity's: access.ts).
 */
function listQuery(model: Model, entity: EntityModel): string {
  const relations = entity.relations
    .filter((relation) =>
      mayReadThrough(
        entity,
        model.entities.find((e) => e.names.className === relation.target)!,
      ),
    )
    .map((relation) => JSON.stringify(relation.property));
  const include = relations.length > 0 ? `, include: [${relations.join(', ')}]` : '';
  return `{ filter: { id: { eq: ${variable(entity)}.id } }, limit: 10${include} }`;
}

/**
 * A create body: sample values for fields, the created parents' ids for foreign keys and id lists.
 * A row scope's column is left out: the token fills it, and the document's create body has no such property.
 */
function createBody(entity: EntityModel, created: ReadonlySet<string>, serial: number): string {
  const members: string[] = [];
  const byProperty = (name: string) => entity.relations.find((relation) => relation.property === name);
  for (const column of entity.columns) {
    if (column.property === entity.scope?.property) continue;
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

/** The calls on one entity; `claims`: the scope claims its new row's id becomes, from the create on. */
function renderEntityCalls(
  model: Model,
  entity: EntityModel,
  created: ReadonlySet<string>,
  claims: readonly string[],
): string[] {
  const auth = model.auth !== null;
  const collection = `/${entity.names.route}`;
  const item = `${collection}/{id}`;
  const name = variable(entity);
  const byId = (id: string) => `{ params: { path: { id: ${id} } } }`;
  serial += 2;
  return [
    `  // ${entity.names.className}`,
    `  const ${name} = record('POST', '${collection}', 201, await client.POST('${collection}', { body: ${createBody(entity, created, serial)} }));`,
    ...claims.map((claim) => `  claims[${JSON.stringify(claim)}] = ${name}.id;`),
    `  record('GET', '${item}', 200, await client.GET('${item}', ${byId(`${name}.id`)}));`,
    `  const ${name}List = record('GET', '${collection}', 200, await client.GET('${collection}', { params: { query: ${listQuery(model, entity)} } }));`,
    `  if (${name}List.data.length !== 1 || ${name}List.data[0].id !== ${name}.id) throw new Error('the filter on id finds the ${name}');`,
    `  record('PATCH', '${item}', 200, await client.PATCH('${item}', { ...${byId(`${name}.id`)}, body: ${patchBody(entity, serial + 1)} }));`,
    `  record('GET', '${item}', 404, await client.GET('${item}', ${byId(unknownId(entity))}));`,
    `  record('GET', '${collection}', 400, await client.GET('${collection}', { params: { query: { limit: 1000 } } }));`,
    ...(auth
      ? [
          `  record('GET', '${collection}', sendsToken('${collection}', 'GET') ? 401 : 200, await anonymous.GET('${collection}', { params: { query: { limit: 1 } } }));`,
        ]
      : []),
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
