import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  type ColumnModel,
  type EntityModel,
  isReadable,
  isWritable,
  type Model,
} from '../../generator/src/model/types';
import { http, type HttpResult } from './http';
import { createDatabase, emptyRedis, runScript, startApp } from './services';

export type Http = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<HttpResult>;

/** Signs a bearer token with these claims, for apps whose schema turns authentication on. */
export type SignToken = (claims: Record<string, unknown>) => Promise<string>;

/**
 * How a client names and shapes what it sends: apso's own client reads everything from the model; a
 * client of an APSO CLI backend (see test/corpus) uses the names its .apsorc file writes.
 */
export interface WireClient {
  /** The route of an entity, without the leading slash. */
  route(entity: EntityModel): string;
  /** The property a client sends and reads for a field or foreign-key column. */
  property(entity: EntityModel, column: ColumnModel): string;
  /** Decimals sent as JSON numbers rather than strings. */
  readonly decimalsAsNumbers: boolean;
  /** Read-only properties the client sends along in every body (timestamps it read back). */
  echoed(entity: EntityModel): Record<string, unknown>;
}

/** apso's own conventions, straight from the model. */
export const MODEL_CLIENT: WireClient = {
  route: (entity) => entity.names.route,
  property: (_entity, column) => column.property,
  decimalsAsNumbers: false,
  echoed: () => ({}),
};

export function httpClient(baseUrl: string): Http {
  return (method, path, body, headers) => http(baseUrl, method, path, body, headers);
}

/**
 * A built project (`dist/` under `project`) end to end: migrates a fresh database, boots the app
 * against it and an emptied Redis database, runs crudSmoke, then stops the app and drops the database.
 */
export async function smokeBuiltProject(
  project: string,
  model: Model,
  services: { readonly databasePrefix: string; readonly redisDatabase: number },
): Promise<void> {
  const database = await createDatabase(services.databasePrefix);
  const env = { DATABASE_URL: database.url, REDIS_URL: await emptyRedis(services.redisDatabase) };
  try {
    await runScript(join(project, 'dist', 'migrate.js'), env, project);
    const app = await startApp(join(project, 'dist', 'main.js'), env, project);
    try {
      await crudSmoke(model, httpClient(app.baseUrl));
    } finally {
      await app.stop();
    }
  } finally {
    await database.drop();
  }
}

/**
 * Drives create, read, list, update (PATCH and PUT) and delete over HTTP for every entity of a
 * model, building valid bodies from the model itself. Parents are created before children;
 * deletes run children first. With authentication, it acts as a caller holding every role the
 * access rules name and, for each scope, the claim of the row it created (the organization, the user).
 */
export async function crudSmoke(
  model: Model,
  send: Http,
  client: WireClient = MODEL_CLIENT,
  options: {
    /** Find each new row with `filter[id][eq]`, for clients running side by side. */
    readonly filteredList?: boolean;
    /** Required when the model has auth. */
    readonly sign?: SignToken;
  } = {},
): Promise<void> {
  const order = creationOrder(model);
  const created = new Map<string, Record<string, unknown>>();
  const caller = new SmokeCaller(model, options.sign);
  const http: Http = async (method, path, body) => send(method, path, body, await caller.headers());
  let serial = 1;
  for (const entity of order) {
    const body = { ...sampleBody(entity, created, serial++, client), ...caller.scopeFields(entity, client) };
    const path = `/${client.route(entity)}`;
    const post = await http('POST', path, body);
    assert.equal(
      post.status,
      201,
      `POST ${path} ${JSON.stringify(body)} → ${post.status} ${JSON.stringify(post.body)}`,
    );
    const id = post.body.id as string | number;
    assert.ok(id !== undefined && id !== null, `POST ${path} returned an id`);
    created.set(entity.names.className, post.body);
    caller.created(entity, id);

    const get = await http('GET', `${path}/${id}`);
    assert.equal(get.status, 200, `GET ${path}/${id}`);
    assert.deepEqual(get.body, post.body, `GET ${path}/${id} returns what POST returned`);

    const list = await http('GET', `${path}?limit=100`);
    assert.equal(list.status, 200, `GET ${path}`);
    if (options.filteredList) {
      // Other clients' rows may fill the first page: the filter finds the new row among any number.
      const filtered = await http('GET', `${path}?filter[id][eq]=${encodeURIComponent(String(id))}`);
      assert.equal(filtered.status, 200, `GET ${path} filtered by id → ${JSON.stringify(filtered.body)}`);
      assert.deepEqual(
        (filtered.body.data as { id: unknown }[]).map((row) => row.id),
        [id],
        `GET ${path}?filter[id][eq]=${id} lists exactly that row`,
      );
    } else {
      assert.ok(
        (list.body.data as { id: unknown }[]).some((row) => row.id === id),
        `GET ${path} lists the new row`,
      );
    }

    const patch = patchFor(entity, serial++, client);
    if (patch) {
      const patched = await http('PATCH', `${path}/${id}`, patch.body);
      assert.equal(
        patched.status,
        200,
        `PATCH ${path}/${id} ${JSON.stringify(patch.body)} → ${JSON.stringify(patched.body)}`,
      );
      const again = await http('GET', `${path}/${id}`);
      assert.deepEqual(
        again.body[patch.property],
        patched.body[patch.property],
        `GET after PATCH ${path}/${id} is fresh`,
      );
      assert.notDeepEqual(
        again.body[patch.property],
        post.body[patch.property],
        `PATCH ${path}/${id} changed ${patch.property}`,
      );
    }

    const replacement = { ...sampleBody(entity, created, serial++, client), ...caller.scopeFields(entity, client) };
    const put = await http('PUT', `${path}/${id}`, replacement);
    assert.equal(put.status, 200, `PUT ${path}/${id} → ${JSON.stringify(put.body)}`);
    created.set(entity.names.className, put.body);
  }

  for (const entity of [...order].reverse()) {
    const path = `/${client.route(entity)}`;
    const id = created.get(entity.names.className)!.id as string | number;
    const removed = await http('DELETE', `${path}/${id}`);
    assert.equal(removed.status, 204, `DELETE ${path}/${id} → ${JSON.stringify(removed.body)}`);
    const gone = await http('GET', `${path}/${id}`);
    assert.equal(gone.status, 404, `GET ${path}/${id} after DELETE`);
  }
}

/**
 * Who crudSmoke acts as. Its token holds every role any access rule names, and for each scope the
 * claim that puts the smoke's own rows in it: the id of the row it created for a relation scope
 * (`org_id` = the organization's id), a fixed value for a field scope (which bodies then carry).
 */
class SmokeCaller {
  private readonly claims: Record<string, unknown> = {};
  private token: Promise<string> | undefined;

  constructor(
    private readonly model: Model,
    private readonly sign: SignToken | undefined,
  ) {
    if (model.auth === null) return;
    if (sign === undefined) throw new Error('crudSmoke: the model has auth; pass options.sign to sign tokens');
    const roles = new Set<string>();
    for (const entity of model.entities)
      for (const operation of entity.operations)
        if (typeof operation.access === 'object' && operation.access !== null)
          for (const role of operation.access.roles) roles.add(role);
    // A claim of exactly the roles claim's name is read before a dotted path (docs/auth.md).
    this.claims[model.auth.jwt.rolesClaim] = [...roles].sort();
    for (const entity of model.entities) {
      const scope = entity.scope;
      if (scope !== null && scope.relation === undefined) this.claims[scope.claim] = FIELD_SCOPE_VALUE;
    }
  }

  async headers(): Promise<Record<string, string>> {
    if (this.model.auth === null) return {};
    this.token ??= this.sign!({ sub: 'crud-smoke', ...this.claims });
    return { authorization: `Bearer ${await this.token}` };
  }

  /** After a row is created: entities scoped by a relation to its entity now have their claim. */
  created(entity: EntityModel, id: string | number): void {
    for (const scoped of this.model.entities) {
      const scope = scoped.scope;
      if (scope?.relation === undefined) continue;
      const relation = scoped.relations.find((candidate) => candidate.property === scope.relation)!;
      if (relation.target !== entity.names.className || this.claims[scope.claim] !== undefined) continue;
      this.claims[scope.claim] = id;
      this.token = undefined;
    }
  }

  /** A field scope's column, which the body must carry with the caller's value (or leave out). */
  scopeFields(entity: EntityModel, client: WireClient): Record<string, unknown> {
    const scope = entity.scope;
    if (scope === null || scope.relation !== undefined) return {};
    const column = entity.columns.find((candidate) => candidate.property === scope.property)!;
    return { [client.property(entity, column)]: FIELD_SCOPE_VALUE };
  }
}

const FIELD_SCOPE_VALUE = 'crud-smoke';

/** Parents before children along foreign keys; optional links that would form a cycle are left empty. */
export function creationOrder(model: Model): EntityModel[] {
  const byName = new Map(model.entities.map((entity) => [entity.names.className, entity]));
  const order: EntityModel[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (entity: EntityModel) => {
    if (state.get(entity.names.className) === 'done' || state.get(entity.names.className) === 'visiting') return;
    state.set(entity.names.className, 'visiting');
    for (const relation of entity.relations) {
      if (relation.joinColumn || relation.joinTable) visit(byName.get(relation.target)!);
    }
    state.set(entity.names.className, 'done');
    order.push(entity);
  };
  for (const entity of model.entities) visit(entity);
  return order;
}

export function sampleBody(
  entity: EntityModel,
  created: Map<string, Record<string, unknown>>,
  serial: number,
  client: WireClient,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...client.echoed(entity) };
  for (const column of entity.columns) {
    const property = client.property(entity, column);
    // A hidden field is in no body (user code sets it); a write-only one is sent like any other.
    if (column.role === 'field' && isWritable(column)) body[property] = sampleValue(column, serial, client);
    if (column.role === 'foreignKey') {
      const relation = entity.relations.find((candidate) => candidate.property === column.relation)!;
      const parent = created.get(relation.target);
      const isSelf = relation.target === entity.names.className;
      if (parent && !isSelf) body[property] = parent.id;
      else if (!column.nullable)
        throw new Error(
          `${entity.names.className}.${column.property}: required parent ${relation.target} was not created first`,
        );
    }
  }
  for (const relation of entity.relations.filter((candidate) => candidate.idsProperty)) {
    const target = created.get(relation.target);
    if (target && relation.target !== entity.names.className) body[relation.idsProperty!] = [target.id];
  }
  return body;
}

function patchFor(
  entity: EntityModel,
  serial: number,
  client: WireClient,
): { property: string; body: Record<string, unknown> } | undefined {
  const column = entity.columns.find(
    (candidate) =>
      candidate.role === 'field' &&
      isReadable(candidate) && // the check reads the change back
      ['string', 'text', 'integer', 'smallint', 'bigint', 'float', 'email', 'date', 'uuid'].includes(candidate.type),
  );
  if (!column) return undefined;
  const property = client.property(entity, column);
  return { property, body: { [property]: sampleValue(column, serial + 1000, client) } };
}

export function sampleValue(column: ColumnModel, serial: number, client: WireClient): unknown {
  switch (column.type) {
    case 'string':
      return `v${serial}-${randomUUID().slice(0, 8)}`.slice(0, column.length ?? 255);
    case 'email':
      return `user${serial}.${randomUUID().slice(0, 8)}@example.com`;
    case 'text':
      return `text ${serial}`;
    case 'integer':
    case 'smallint':
      return serial;
    case 'bigint':
      return String(9_007_199_254_740_993n + BigInt(serial));
    case 'decimal': {
      const whole = Math.min((column.precision ?? 10) - (column.scale ?? 2), 6);
      const integer = serial % 10 ** whole;
      if (client.decimalsAsNumbers) return (column.scale ?? 2) > 0 ? integer + 0.5 : integer;
      return (column.scale ?? 2) > 0 ? `${integer}.5` : String(integer);
    }
    case 'float':
      return serial + 0.25;
    case 'boolean':
      return serial % 2 === 0;
    case 'date':
      return `2024-01-${String((serial % 28) + 1).padStart(2, '0')}`;
    case 'time':
      return `09:${String(serial % 60).padStart(2, '0')}:00`;
    case 'timestamp':
      return new Date(Date.UTC(2024, 0, 1, 0, serial)).toISOString();
    case 'interval':
      return `${serial} days`;
    case 'uuid':
      return randomUUID();
    case 'json':
    case 'jsonb':
      return { serial, tags: ['a', 'b'] };
    case 'enum':
      return column.enumValues![serial % column.enumValues!.length];
  }
}
