import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'js-ini';
import { Client } from 'pg';
import { buildModel } from '../../generator/src/model/build';
import type { EntityModel } from '../../generator/src/model/types';
import { loadSchema } from '../../generator/src/load/load';
import { connectionString } from '../../generator/src/render/infra/pgbouncer/pgbouncer-ini';
import { validateDocument } from '../../generator/src/validate/validate';
import { crudSmoke, type Http, MODEL_CLIENT, sampleBody } from '../support/crud-smoke';
import { createTenant, exampleAuthEnv, signExampleToken } from '../support/example-auth';
import { http } from '../support/http';
import {
  connectionStringPairs,
  type IniObject,
  pgbouncerHome,
  type PgbouncerServer,
  pgbouncerTestOptions,
  startPgbouncer,
} from '../support/pgbouncer-server';
import { REPO_ROOT } from '../support/repository';
import { createDatabase, freePort, type RunningApp, runScript, startApp, type TestDatabase } from '../support/services';

/**
 * The generated pgbouncer.ini, loaded by a real PgBouncer (Debian's), in front of the machine's
 * PostgreSQL; this repository's generated API runs its CRUD through it in transaction mode, from
 * two processes at once (two pods), with more concurrent requests than PgBouncer has server
 * connections. Only what must differ on this machine is changed in the file, and the test says so.
 */
/** Concurrent HTTP clients, each running the CRUD of every entity, split over the two API processes. */
const WORKERS = 48;
const ROUNDS = 2;
/** Each API process's pools: together more client connections than PgBouncer's server pool. */
const APP_POOL = 30;

const GENERATED = parse(readFileSync(join(REPO_ROOT, 'pgbouncer.ini'), 'utf8'), { autoTyping: false }) as IniObject;
const model = (() => {
  const { document } = validateDocument(loadSchema(join(REPO_ROOT, 'schema.apso.json')).document);
  return buildModel(document!);
})();

/** The statement timeout the generated file's connect_query sets, in milliseconds. */
function generatedStatementTimeoutMs(): number {
  const query = new Map(connectionStringPairs(GENERATED.databases.app)).get('connect_query') ?? '';
  const match = /^SET statement_timeout = (\d+)$/.exec(query);
  assert.ok(match, `connect_query of the app database sets statement_timeout: ${query}`);
  return Number(match[1]);
}

/** The generated file with this machine's addresses, auth and paths; every pool setting as generated. */
function onThisMachine(home: string, port: number, database: URL): IniObject {
  const databases = Object.fromEntries(
    Object.entries(GENERATED.databases).map(([alias, value]) => [
      alias,
      connectionString(
        Object.fromEntries(
          connectionStringPairs(value).map(([key, setting]) => {
            const local = {
              host: database.hostname,
              port: database.port || '5432',
              dbname: database.pathname.slice(1),
            };
            return [key, key in local ? local[key as keyof typeof local] : setting];
          }),
        ),
      ),
    ]),
  );
  const pgbouncer = {
    ...GENERATED.pgbouncer,
    listen_addr: '127.0.0.1',
    listen_port: String(port),
    // PostgreSQL here trusts local connections; PgBouncer then wants the users in its auth file only.
    auth_type: 'trust',
    auth_file: join(home, 'userlist.txt'),
    logfile: join(home, 'pgbouncer.log'),
    pidfile: join(home, 'pgbouncer.pid'),
    unix_socket_dir: home,
  };
  return { databases, pgbouncer };
}

/** Every setting that differs between two configurations, as `section.key` (or `section.key.pair`). */
function changedSettings(before: IniObject, after: IniObject): string[] {
  const changed: string[] = [];
  for (const section of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [a, b] = [before[section] ?? {}, after[section] ?? {}];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (a[key] === b[key]) continue;
      if (section !== 'databases' || a[key] === undefined || b[key] === undefined) {
        changed.push(`${section}.${key}`);
        continue;
      }
      const [pairsA, pairsB] = [new Map(connectionStringPairs(a[key])), new Map(connectionStringPairs(b[key]))];
      for (const pair of new Set([...pairsA.keys(), ...pairsB.keys()]))
        if (pairsA.get(pair) !== pairsB.get(pair)) changed.push(`${section}.${key}.${pair}`);
    }
  }
  return changed.sort();
}

/** Counts every request and every answer that is a server error or no answer at all. */
class Traffic {
  requests = 0;
  errors = 0;
  readonly failures: string[] = [];

  client(baseUrl: string): Http {
    return async (method, path, body, headers) => {
      this.requests += 1;
      try {
        const result = await http(baseUrl, method, path, body, headers);
        if (result.status >= 500) this.fail(`${method} ${path} → ${result.status} ${result.text.slice(0, 300)}`);
        return result;
      } catch (error) {
        this.fail(`${method} ${path} → ${String(error)}`);
        throw error;
      }
    };
  }

  fail(message: string): void {
    this.errors += 1;
    if (this.failures.length < 10) this.failures.push(message);
  }
}

/** PgBouncer's SHOW POOLS, sampled while traffic runs: the most clients, waiting clients and servers seen. */
class PoolSampler {
  peak = { clients: 0, waiting: 0, servers: 0, maxWaitMs: 0 };
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly console: Client;

  constructor(url: string) {
    this.console = new Client({ connectionString: url });
  }

  async start(): Promise<void> {
    await this.console.connect();
    const sample = async () => {
      if (this.stopped) return;
      const { rows } = await this.console.query('SHOW POOLS');
      for (const row of rows.filter((pool) => pool.database !== 'pgbouncer')) {
        const clients = Number(row.cl_active) + Number(row.cl_waiting);
        const servers = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce(
          (sum, column) => sum + Number(row[column]),
          0,
        );
        const maxWaitMs = Number(row.maxwait) * 1000 + Number(row.maxwait_us) / 1000;
        this.peak = {
          clients: Math.max(this.peak.clients, clients),
          waiting: Math.max(this.peak.waiting, Number(row.cl_waiting)),
          servers: Math.max(this.peak.servers, servers),
          maxWaitMs: Math.max(this.peak.maxWaitMs, maxWaitMs),
        };
      }
      this.timer = setTimeout(() => void sample().catch((error) => this.stopped || Promise.reject(error)), 25);
    };
    await sample();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.console.end();
  }
}

/**
 * Bulk create (one transaction) of a few rows of an entity without required parents, listed and
 * deleted again, as a tenant whose token holds every role (`headers`).
 */
async function bulkRound(
  send: Http,
  entity: EntityModel,
  serial: number,
  headers: Record<string, string>,
): Promise<void> {
  const path = `/${entity.names.route}`;
  const data = [0, 1, 2, 3, 4].map((offset) => sampleBody(entity, new Map(), serial * 10 + offset, MODEL_CLIENT));
  const created = await send('POST', `${path}/bulk`, { data }, headers);
  assert.equal(created.status, 201, `POST ${path}/bulk → ${JSON.stringify(created.body)}`);
  const ids = (created.body.data as { id: string }[]).map((row) => row.id);
  const listed = await send('GET', `${path}?filter[id][in]=${ids.join(',')}&limit=100`, undefined, headers);
  assert.equal(listed.status, 200, `GET ${path} filtered by the bulk ids → ${JSON.stringify(listed.body)}`);
  assert.equal((listed.body.data as unknown[]).length, ids.length);
  const removed = await send('POST', `${path}/bulk-delete`, { ids }, headers);
  assert.equal(removed.status, 204, `POST ${path}/bulk-delete → ${JSON.stringify(removed.body)}`);
}

describe(
  'the generated pgbouncer.ini in front of the generated API',
  { ...pgbouncerTestOptions(), timeout: 300_000 },
  () => {
    let database: TestDatabase;
    let pgbouncer: PgbouncerServer;
    let config: IniObject;
    const apps: RunningApp[] = [];
    let env: Record<string, string>;

    before(async () => {
      database = await createDatabase('apso_pgbouncer');
      const home = pgbouncerHome();
      config = onThisMachine(home, await freePort(), new URL(database.url));
      pgbouncer = await startPgbouncer(home, config, ['root', String(GENERATED.pgbouncer.admin_users)]);
      // No Redis: every read reaches the database, so through PgBouncer, instead of being answered from
      // the cache (the API serves without it). Under this load a Redis call can also exceed
      // CACHE_TIMEOUT_MS, which skips a write's invalidation (docs/runtime.md, "When Redis fails"), and
      // a GET after a PATCH is then stale: seen on direct connections too, so a cache matter, not the pooler's.
      const redisUrl = `redis://127.0.0.1:${await freePort()}/0`;
      // Migrations on the direct URL, as the migration Job does: they need a session of their own.
      await runScript(join(REPO_ROOT, 'dist', 'migrate.js'), {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        ...exampleAuthEnv(),
      });
      env = {
        // The schema turns authentication on: the API refuses to start without its AUTH_* settings.
        ...exampleAuthEnv(),
        DATABASE_URL: pgbouncer.url('app'),
        DATABASE_REPLICA_URL: pgbouncer.url('app_replica'),
        REDIS_URL: redisUrl,
        DB_TRANSACTION_POOLING: 'true',
        DB_STATEMENT_TIMEOUT_MS: String(generatedStatementTimeoutMs()),
        DB_POOL_MAX: String(APP_POOL),
        DB_REPLICA_POOL_MAX: String(APP_POOL),
      };
    });

    after(async () => {
      for (const app of apps) await app.stop();
      await pgbouncer?.stop();
      await database?.drop();
    });

    test('the file PgBouncer runs is the generated one, with only addresses, auth and paths changed', () => {
      assert.equal(GENERATED.pgbouncer.pool_mode, 'transaction');
      assert.deepEqual(changedSettings(GENERATED, config), [
        'databases.app.dbname',
        'databases.app.host',
        'databases.app_replica.dbname',
        'databases.app_replica.host',
        'pgbouncer.auth_file',
        'pgbouncer.auth_type',
        'pgbouncer.listen_addr',
        'pgbouncer.listen_port',
        'pgbouncer.logfile',
        'pgbouncer.pidfile',
        'pgbouncer.unix_socket_dir',
      ]);
    });

    test('the old way, statement_timeout as a startup parameter, cannot connect through PgBouncer', async () => {
      const client = new Client({ connectionString: pgbouncer.url('app'), statement_timeout: 1000 });
      await assert.rejects(client.connect(), (error: Error & { code?: string }) => {
        assert.equal(error.code, '08P01');
        assert.match(error.message, /unsupported startup parameter: statement_timeout/);
        return true;
      });
      await assert.rejects(
        startApp(join(REPO_ROOT, 'dist', 'main.js'), { ...env, DB_TRANSACTION_POOLING: 'false' }),
        /unsupported startup parameter: statement_timeout/,
        'with DB_TRANSACTION_POOLING=false the API sends it and never becomes ready',
      );
    });

    test('connect_query sets the statement timeout on every server connection, and it cancels a long query', async () => {
      const timeoutMs = generatedStatementTimeoutMs();
      const client = new Client({ connectionString: pgbouncer.url('app_replica') });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT setting FROM pg_settings WHERE name = 'statement_timeout'`);
        assert.equal(Number(rows[0].setting), timeoutMs);
        const started = Date.now();
        await assert.rejects(
          client.query(`SELECT pg_sleep(${(timeoutMs + 3000) / 1000})`),
          (error: Error & { code?: string }) => {
            assert.equal(error.code, '57014', error.message);
            return true;
          },
        );
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= timeoutMs - 100 && elapsed < timeoutMs + 2500, `cancelled after ${elapsed} ms`);
        console.log(
          `# pg_sleep through PgBouncer cancelled with 57014 after ${elapsed} ms (statement_timeout ${timeoutMs} ms)`,
        );
      } finally {
        await client.end();
      }
    });

    test('the API warns at start when the pooled statement_timeout is not DB_STATEMENT_TIMEOUT_MS', async () => {
      const expected = generatedStatementTimeoutMs();
      const app = await startApp(join(REPO_ROOT, 'dist', 'main.js'), { ...env, DB_STATEMENT_TIMEOUT_MS: '1234' });
      try {
        assert.match(
          app.output(),
          new RegExp(`statement_timeout on the primary pool is ${expected} ms, but DB_STATEMENT_TIMEOUT_MS is 1234 ms`),
        );
      } finally {
        await app.stop();
      }
    });

    test('CRUD of every entity, bulk creates and filtered lists from two API processes: no errors', async () => {
      for (let index = 0; index < 2; index += 1) apps.push(await startApp(join(REPO_ROOT, 'dist', 'main.js'), env));
      for (const app of apps) assert.doesNotMatch(app.output(), /statement_timeout/, 'the timeouts agree: no warning');
      // Bulk rounds act as one tenant (created through PgBouncer too); crudSmoke signs its own tokens.
      const tenant = await createTenant(apps[0].baseUrl);

      const logBefore = pgbouncer.log().length;
      const traffic = new Traffic();
      const sampler = new PoolSampler(pgbouncer.url('pgbouncer', String(GENERATED.pgbouncer.admin_users)));
      await sampler.start();
      const bulkEntities = model.entities.filter((entity) =>
        entity.columns.every((column) => column.role !== 'foreignKey' || column.nullable),
      );
      assert.ok(bulkEntities.length > 0, 'an entity without a required parent to bulk-create');
      const started = Date.now();
      try {
        await Promise.all(
          Array.from({ length: WORKERS }, async (_, worker) => {
            const send = traffic.client(apps[worker % apps.length].baseUrl);
            for (let round = 0; round < ROUNDS; round += 1) {
              await crudSmoke(model, send, MODEL_CLIENT, { filteredList: true, sign: signExampleToken });
              await bulkRound(
                send,
                bulkEntities[(worker + round) % bulkEntities.length],
                worker * ROUNDS + round,
                tenant.headers,
              );
            }
          }),
        );
      } finally {
        await sampler.stop();
      }
      const seconds = (Date.now() - started) / 1000;
      const stats = await adminShow(pgbouncer, 'SHOW STATS');
      const transactions = stats
        .filter((row) => row.database !== 'pgbouncer')
        .reduce((sum, row) => sum + Number(row.total_xact_count), 0);
      const { peak } = sampler;
      console.log(
        `# through PgBouncer: ${traffic.requests} requests, ${traffic.errors} errors, ${WORKERS} concurrent clients ` +
          `over ${apps.length} API processes in ${seconds.toFixed(1)} s; ${transactions} transactions; ` +
          `per database at peak ${peak.clients} client connections on ${peak.servers} server connections ` +
          `(default_pool_size ${config.pgbouncer.default_pool_size}, max_db_connections ${config.pgbouncer.max_db_connections}), ` +
          `${peak.waiting} clients waiting, longest wait ${peak.maxWaitMs.toFixed(1)} ms`,
      );
      assert.deepEqual(traffic.failures, []);
      assert.equal(traffic.errors, 0);
      assert.ok(traffic.requests > WORKERS * ROUNDS * model.entities.length * 5, `${traffic.requests} requests`);
      assert.ok(peak.servers <= Number(config.pgbouncer.max_db_connections), 'max_db_connections holds');
      assert.ok(
        peak.clients > Number(config.pgbouncer.default_pool_size),
        `more clients (${peak.clients}) than default_pool_size share the server connections`,
      );
      assert.ok(peak.clients > peak.servers, 'clients share server connections');
      assert.doesNotMatch(pgbouncer.log().slice(logBefore), /WARNING|ERROR/, 'PgBouncer logged no warning or error');
    });
  },
);

async function adminShow(pgbouncer: PgbouncerServer, command: string): Promise<Record<string, string>[]> {
  const console = new Client({ connectionString: pgbouncer.url('pgbouncer', String(GENERATED.pgbouncer.admin_users)) });
  await console.connect();
  try {
    return (await console.query(command)).rows;
  } finally {
    await console.end();
  }
}
