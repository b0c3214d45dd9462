import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import DRAFT_07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { parse } from 'yaml';
import { buildModel } from '../../generator/src/model/build';
import { deploymentOf } from '../../generator/src/model/deployment';
import {
  API_REPLICAS,
  COMPOSE_SCALE_PATH,
  composeScale,
  REQUIRED_ENV,
} from '../../generator/src/render/infra/compose/compose-scale';
import {
  appEnvironment,
  AUTH_SECRET_KEYS,
  JOBS_ADMIN_TOKEN,
  WORKER_PORT,
  workerTerminationGraceSeconds,
} from '../../generator/src/render/infra/environment';
import { MONITORING_PATHS } from '../../generator/src/render/infra/monitoring/monitoring';
import { NGINX_CONF_PATH } from '../../generator/src/render/infra/nginx/nginx-conf';
import { REPO_ROOT } from '../support/repository';

/*
 * The Compose specification's own JSON Schema (draft-07, hence Ajv's default class), vendored with its
 * licence and source commit in compose-spec/. `strict: false`: the schema uses annotations
 * (`deprecated`) that draft-07 does not define, which strict mode would refuse to compile.
 */
const SCHEMA = JSON.parse(readFileSync(join(__dirname, 'compose-spec', 'compose-spec.json'), 'utf8')) as object;
const validate = compileSchema();

/** The schema names draft-07 by its https address; Ajv knows the meta-schema by the http one. */
function compileSchema() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema({ ...DRAFT_07, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv.compile(SCHEMA);
}

type Services = Record<string, Record<string, unknown>>;

function problems(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

/** The repository's schema has one webhook, activity. */
const WEBHOOK_ENV = ['WEBHOOK_ACTIVITY_URL', 'WEBHOOK_ACTIVITY_SECRET', JOBS_ADMIN_TOKEN];

const rootFile = parse(readFileSync(join(REPO_ROOT, COMPOSE_SCALE_PATH), 'utf8')) as { services: Services };

describe('docker-compose.scale.yml', () => {
  test("this repository's file satisfies the Compose specification's JSON Schema", () => {
    assert.deepEqual(problems(rootFile), []);
  });

  test('a file from other deployment options satisfies it too, with their resources in compose form', () => {
    const deployment = deploymentOf({ resources: { limits: { cpu: '1500m', memory: '1.5Gi' } } }, 'svc');
    const file = composeScale('svc', deployment);
    assert.deepEqual(problems(JSON.parse(JSON.stringify(file))), []);
    assert.deepEqual((file.services.api.deploy as { resources: unknown }).resources, {
      limits: { cpus: '1.5', memory: '1536m' },
    });
  });

  test('a broken file fails the schema', () => {
    const typo = structuredClone(rootFile);
    typo.services.api.helthcheck = typo.services.api.healthcheck;
    assert.match(problems(typo).join('\n'), /must NOT have additional properties/);
    const badReplicas = structuredClone(rootFile);
    (badReplicas.services.api.deploy as Record<string, unknown>).replicas = [3];
    assert.match(problems(badReplicas).join('\n'), /\/services\/api\/deploy\/replicas/);
    const badCondition = structuredClone(rootFile);
    badCondition.services.api.depends_on = { migrate: { condition: 'service_finished' } };
    assert.notDeepEqual(problems(badCondition), []);
  });

  test('the API runs 3 replicas with the shared environment, both databases through PgBouncer', () => {
    const api = rootFile.services.api;
    assert.equal((api.deploy as { replicas: number }).replicas, API_REPLICAS);
    const environment = api.environment as Record<string, string>;
    const deployment = deploymentOf(undefined, 'apso-example');
    for (const [key, value] of Object.entries(appEnvironment(deployment))) assert.equal(environment[key], value, key);
    assert.match(environment.DATABASE_URL, /@pgbouncer:6432\/app$/);
    assert.match(environment.DATABASE_REPLICA_URL, /@pgbouncer:6432\/app_replica$/);
    const migrate = rootFile.services.migrate.environment as Record<string, string>;
    assert.match(migrate.DATABASE_URL, /@postgres-primary:5432\/app$/);
    assert.equal(migrate.DB_TRANSACTION_POOLING, 'false');
  });

  test('only nginx is published beyond the loopback, and it mounts the generated nginx.conf', () => {
    const published = Object.entries(rootFile.services).flatMap(([name, service]) =>
      ((service.ports as string[] | undefined) ?? []).filter((port) => !port.startsWith('127.0.0.1:')).map(() => name),
    );
    assert.deepEqual(published, ['nginx']);
    assert.ok(
      (rootFile.services.nginx.volumes as string[]).some((volume) => volume.startsWith(`./${NGINX_CONF_PATH}:`)),
    );
  });

  test('every secret comes from .env and compose refuses to start without it', () => {
    const text = readFileSync(join(REPO_ROOT, COMPOSE_SCALE_PATH), 'utf8');
    const all = [...text.matchAll(/(?<!\$)\$\{([A-Z_]+)([^}]*)\}/g)];
    // The schema has auth: the API also reads the AUTH_* secrets from .env, empty when unset (one key
    // source is enough, so none is required by compose; the API itself refuses to start without one).
    const [auth, references] = [
      all.filter((match) => (AUTH_SECRET_KEYS as readonly string[]).includes(match[1])),
      all.filter((match) => !(AUTH_SECRET_KEYS as readonly string[]).includes(match[1])),
    ];
    assert.deepEqual(
      auth.map((match) => match[0]),
      AUTH_SECRET_KEYS.map((key) => `\${${key}:-}`),
    );
    assert.deepEqual(
      Object.entries(rootFile.services)
        .filter(([, service]) => 'AUTH_JWT_SECRET' in ((service.environment as object | undefined) ?? {}))
        .map(([name]) => name),
      ['api'],
      'only the API reads the AUTH_* secrets',
    );
    // The schema has webhooks: the worker reads each webhook's URL and secret, the API the dead-letter
    // endpoints' token, from .env, empty when unset (the processes refuse to start naming what is missing).
    const jobs = references.filter((match) => WEBHOOK_ENV.includes(match[1]));
    assert.deepEqual(jobs.map((match) => match[0]).sort(), WEBHOOK_ENV.map((key) => `\${${key}:-}`).sort());
    assert.deepEqual(
      [...new Set(references.filter((match) => !WEBHOOK_ENV.includes(match[1])).map((match) => match[1]))].sort(),
      [...REQUIRED_ENV].sort(),
    );
    for (const match of references.filter((reference) => !WEBHOOK_ENV.includes(reference[1])))
      assert.match(match[2], /^:\?set [A-Z_]+ in \.env/, match[0]);
    assert.doesNotMatch(text, /PASSWORD: [^$]/, 'no password is written into the file');
  });

  test('with webhooks: one worker runs the image as node dist/worker.js, healthy on its metrics port, with the webhook variables', () => {
    const worker = rootFile.services.worker;
    const api = rootFile.services.api;
    assert.deepEqual(worker.command, ['node', 'dist/worker.js']);
    assert.deepEqual(worker.build, api.build);
    assert.equal(worker.image, api.image);
    const environment = worker.environment as Record<string, string>;
    for (const key of ['DATABASE_URL', 'DATABASE_REPLICA_URL', 'REDIS_URL'])
      assert.equal(environment[key], (api.environment as Record<string, string>)[key], key);
    assert.equal(environment.WEBHOOK_ACTIVITY_URL, '${WEBHOOK_ACTIVITY_URL:-}');
    assert.equal(environment.WEBHOOK_ACTIVITY_SECRET, '${WEBHOOK_ACTIVITY_SECRET:-}');
    assert.equal(environment.WORKER_SHUTDOWN_MS, '25000');
    assert.ok(!(JOBS_ADMIN_TOKEN in environment), 'the admin token opens the API, not the worker');
    assert.equal((api.environment as Record<string, string>)[JOBS_ADMIN_TOKEN], `\${${JOBS_ADMIN_TOKEN}:-}`);
    assert.match(
      JSON.stringify((worker.healthcheck as { test: string[] }).test),
      new RegExp(`${WORKER_PORT}/health/ready`),
    );
    assert.equal(worker.stop_grace_period, `${workerTerminationGraceSeconds()}s`);
    assert.ok(workerTerminationGraceSeconds() > 25, 'longer than WORKER_SHUTDOWN_MS');
    assert.equal(worker.ports, undefined, 'only Prometheus reaches the metrics port');
    assert.deepEqual(Object.keys(worker.depends_on as object).sort(), ['migrate', 'pgbouncer', 'redis']);
  });

  test('without webhooks there is no worker', () => {
    const model = buildModel({ name: 'svc', entities: [{ name: 'Note' }] });
    const file = composeScale(model.name, model.deployment, model.auth, model.jobs);
    assert.equal(file.services.worker, undefined);
    assert.ok(!(JOBS_ADMIN_TOKEN in (file.services.api.environment as object)));
  });

  test('every dependency names a service, every named volume is declared', () => {
    const file = parse(readFileSync(join(REPO_ROOT, COMPOSE_SCALE_PATH), 'utf8')) as {
      services: Services;
      volumes: Record<string, unknown>;
    };
    for (const [name, service] of Object.entries(file.services)) {
      for (const dependency of Object.keys((service.depends_on as object | undefined) ?? {}))
        assert.ok(dependency in file.services, `${name} depends on a missing ${dependency}`);
      for (const volume of (service.volumes as string[] | undefined) ?? []) {
        const source = volume.split(':')[0];
        if (!source.startsWith('.')) assert.ok(source in file.volumes, `${name} mounts an undeclared ${source}`);
      }
    }
  });

  test('Prometheus and Grafana find the generated monitoring files where their configuration says', () => {
    const mountOf = (service: string, source: string) =>
      ((rootFile.services[service].volumes as string[]) ?? [])
        .map((volume) => volume.split(':'))
        .find(([from]) => from === source)?.[1];
    const providers = parse(readFileSync(join(REPO_ROOT, MONITORING_PATHS.dashboardProviders), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    assert.equal(mountOf('grafana', `./${MONITORING_PATHS.dashboardsDir}`), providers.providers[0].options.path);
    assert.equal(mountOf('grafana', './monitoring/grafana/provisioning'), '/etc/grafana/provisioning');
    assert.equal(mountOf('prometheus', './monitoring/prometheus'), '/etc/prometheus');
    assert.ok(
      (rootFile.services.prometheus.command as string[]).includes('--config.file=/etc/prometheus/prometheus.yml'),
    );
    assert.ok(existsSync(join(REPO_ROOT, MONITORING_PATHS.prometheusConfig)));
  });

  test('with auth: the API reads the AUTH_* secrets from .env; with API keys, the keys file mounted read-only', () => {
    const compose = (auth?: object) => {
      const model = buildModel({ name: 'svc', ...(auth ? { auth } : {}), entities: [{ name: 'Note' }] });
      return JSON.parse(JSON.stringify(composeScale(model.name, model.deployment, model.auth))) as {
        services: Services;
      };
    };
    const plain = compose();
    for (const file of [compose({}), compose({ apiKey: { header: 'X-Key' } })]) {
      assert.deepEqual(problems(file), []);
      const environment = file.services.api.environment as Record<string, string>;
      for (const name of ['AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'])
        assert.equal(environment[name], `\${${name}:-}`, 'unset in .env: empty, which the app counts as unset');
      // Only the API authenticates; the other services are as without auth.
      assert.deepEqual(file.services.migrate, plain.services.migrate);
    }
    const keyed = compose({ apiKey: {} }).services.api;
    assert.equal((keyed.environment as Record<string, string>).AUTH_API_KEYS_FILE, '/etc/apso/api-keys/api-keys.json');
    assert.deepEqual(keyed.volumes, ['./api-keys.json:/etc/apso/api-keys/api-keys.json:ro']);
    assert.equal((compose({}).services.api as { volumes?: unknown }).volumes, undefined);
    assert.equal('AUTH_JWT_SECRET' in (plain.services.api.environment as object), false);
  });
});
