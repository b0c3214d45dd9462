import { dirname } from 'node:path/posix';
import type { DeploymentModel } from '../../../model/deployment';
import type { AuthModel, JobsModel } from '../../../model/types';
import { apsoFile, type Artifact, yaml } from '../../artifact';
import {
  API_KEYS_FILE,
  API_KEYS_MOUNT_DIR,
  appEnvironment,
  AUTH_SECRET_KEYS,
  authEnvironment,
  JOBS_ADMIN_TOKEN,
  jobsEnvironment,
  terminationGraceSeconds,
  WORKER_PORT,
  workerTerminationGraceSeconds,
} from '../environment';
import { DASHBOARDS_MOUNT } from '../monitoring/grafana-provisioning';
import { MONITORING_PATHS } from '../monitoring/monitoring';
import { COMPOSE_WORKER_SERVICE } from '../monitoring/prometheus-config';
import { API_SERVICE, NGINX_CONF_PATH, NGINX_LISTEN_PORT } from '../nginx/nginx-conf';
import { DATABASE_HOSTS, PGBOUNCER_AUTH_FILE } from '../pgbouncer/pgbouncer-ini';
import { composeCpus, composeMemory } from './quantities';

export const COMPOSE_SCALE_PATH = 'docker-compose.scale.yml';
export const API_REPLICAS = 3;
/** The only port the stack publishes to the network: nginx, in front of the API replicas. */
export const PUBLISHED_PORT = 8080;
/** The PostgreSQL login of the API, the migrations and PgBouncer. */
export const DATABASE_USER = 'app';
/** The login the replica streams WAL with; it may replicate and nothing else. */
export const REPLICATION_USER = 'replicator';
/** Inside the Grafana container: provisioning (datasources/, dashboards/) and the dashboard JSON files. */
export const GRAFANA_PROVISIONING_DIR = '/etc/grafana/provisioning';
/** How Grafana reaches Prometheus on the compose network. */
export const PROMETHEUS_URL = 'http://prometheus:9090';
export const REDIS_PORT = 6379;

/**
 * Pinned images. PgBouncer: edoburu/pgbouncer, maintained (1.25.2 in June 2026), which reads
 * /etc/pgbouncer/pgbouncer.ini when that file exists and writes the auth file from DB_USER and
 * DB_PASSWORD at start, so the password lives only in `.env`. Bitnami's image left Docker Hub's free
 * catalogue in 2025, and pgbouncer/pgbouncer has not been updated since 1.15.
 */
export const IMAGES = {
  postgres: 'postgres:15',
  pgbouncer: 'edoburu/pgbouncer:v1.25.2-p0',
  redis: 'redis:7.4-alpine',
  nginx: 'nginx:1.27-alpine',
  prometheus: 'prom/prometheus:v2.55.1',
  grafana: 'grafana/grafana:11.6.0',
} as const;

/** The secrets `.env` must hold; compose refuses to start, naming the variable, when one is missing. */
export const REQUIRED_ENV = ['POSTGRES_PASSWORD', 'REPLICATION_PASSWORD', 'GRAFANA_ADMIN_PASSWORD'] as const;
type RequiredEnv = (typeof REQUIRED_ENV)[number];

const required = (name: RequiredEnv): string => `\${${name}:?set ${name} in .env (see docs/compose.md)}`;

type Service = Record<string, unknown>;

export interface ComposeFile {
  readonly name: string;
  readonly services: Record<string, Service>;
  readonly configs: Record<string, { readonly content: string }>;
  readonly volumes: Record<string, object>;
}

export const COMPOSE_ARTIFACT: Artifact = {
  name: 'compose-scale',
  files: ({ model }) => [
    apsoFile(COMPOSE_SCALE_PATH, yaml(composeScale(model.name, model.deployment, model.auth, model.jobs))),
  ],
};

/** docker-compose.scale.yml: the API scaled behind nginx, with its database, cache and monitoring. */
export function composeScale(
  serviceName: string,
  deployment: DeploymentModel,
  auth: AuthModel | null = null,
  jobs: JobsModel | null = null,
): ComposeFile {
  return {
    name: serviceName,
    services: {
      ...appServices(deployment, auth, jobs),
      nginx: nginxService(),
      pgbouncer: pgbouncerService(deployment),
      [DATABASE_HOSTS.primary]: primaryService(deployment),
      [DATABASE_HOSTS.replica]: replicaService(deployment),
      redis: redisService(),
      prometheus: prometheusService(),
      grafana: grafanaService(),
    },
    configs: { 'postgres-replication-init': { content: REPLICATION_INIT_SCRIPT } },
    volumes: { 'primary-data': {}, 'replica-data': {}, 'redis-data': {}, 'prometheus-data': {}, 'grafana-data': {} },
  };
}

/** The services that run the one application image, by command: migrations, the API and, with webhooks, the worker. */
function appServices(
  deployment: DeploymentModel,
  auth: AuthModel | null,
  jobs: JobsModel | null,
): Record<string, Service> {
  const pooled = pooledEnvironment(deployment);
  return {
    migrate: {
      ...appService(deployment, ['node', 'dist/migrate.js'], {
        ...appEnvironment(deployment),
        // DDL and the migrations' advisory lock need a session of their own: the primary itself.
        DB_TRANSACTION_POOLING: 'false',
        DATABASE_URL: databaseUrl(DATABASE_HOSTS.primary, DATABASE_HOSTS.port, deployment.database.name),
        // The platform's configuration requires it; migrations never use it.
        REDIS_URL: pooled.REDIS_URL,
      }),
      // One-shot: compose's default restart policy ("no") lets it exit, and the API waits for its success.
      depends_on: { [DATABASE_HOSTS.primary]: { condition: 'service_healthy' } },
    },
    [API_SERVICE]: withJobsAdmin(withAuth(apiService(deployment, pooled), auth), jobs),
    ...(jobs && { [COMPOSE_WORKER_SERVICE]: workerService(deployment, pooled, jobs) }),
  };
}

/** `${NAME:-}`: read from `.env`, empty when unset (which the platform counts as unset). */
const fromDotEnv = (keys: readonly string[]): Record<string, string> =>
  Object.fromEntries(keys.map((key) => [key, `\${${key}:-}`]));

/** With webhooks, the API's dead-letter endpoints open to JOBS_ADMIN_TOKEN, from `.env`. */
function withJobsAdmin(service: Service, jobs: JobsModel | null): Service {
  if (!jobs) return service;
  return {
    ...service,
    environment: { ...(service.environment as Record<string, string>), ...fromDotEnv([JOBS_ADMIN_TOKEN]) },
  };
}

/**
 * The webhook worker: relays the entities' events and delivers them. Each webhook's URL and secret
 * come from `.env`; its metrics and probes are on WORKER_PORT, which only Prometheus reaches.
 */
function workerService(deployment: DeploymentModel, pooled: Record<string, string>, jobs: JobsModel): Service {
  const { limits } = deployment.resources;
  const webhookVariables = jobs.webhooks.flatMap((webhook) => [webhook.urlVariable, webhook.secretVariable]);
  return {
    ...appService(deployment, ['node', 'dist/worker.js'], {
      ...pooled,
      ...jobsEnvironment(jobs),
      ...fromDotEnv(webhookVariables),
    }),
    deploy: { resources: { limits: { cpus: composeCpus(limits.cpu), memory: composeMemory(limits.memory) } } },
    healthcheck: {
      test: [
        'CMD',
        'node',
        '-e',
        `fetch('http://127.0.0.1:${WORKER_PORT}/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
      ],
      interval: '10s',
      timeout: '5s',
      retries: 3,
      start_period: '30s',
    },
    // Running deliveries finish within WORKER_SHUTDOWN_MS; the rest is closing connections.
    stop_grace_period: `${workerTerminationGraceSeconds()}s`,
    restart: 'unless-stopped',
    depends_on: {
      migrate: { condition: 'service_completed_successfully' },
      pgbouncer: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    },
  };
}

/**
 * With `auth`, the API reads its AUTH_* secrets from `.env` (empty when unset, which the platform
 * counts as unset: it refuses to start naming what is missing), and with API keys the keys file is
 * mounted read-only where AUTH_API_KEYS_FILE points, as in Kubernetes.
 */
function withAuth(service: Service, auth: AuthModel | null): Service {
  if (!auth) return service;
  return {
    ...service,
    environment: {
      ...(service.environment as Record<string, string>),
      ...fromDotEnv(AUTH_SECRET_KEYS),
      ...authEnvironment(auth),
    },
    ...(auth.apiKey ? { volumes: [`./${API_KEYS_FILE}:${API_KEYS_MOUNT_DIR}/${API_KEYS_FILE}:ro`] } : {}),
  };
}

function appService(deployment: DeploymentModel, command: string[], environment: Record<string, string>): Service {
  return {
    // Every app service builds the same Dockerfile under the same tag; BuildKit's cache makes the
    // second build free, and no service ever pulls an image that exists only locally.
    build: { context: '.', dockerfile: 'Dockerfile' },
    image: deployment.image,
    command,
    environment,
  };
}

function apiService(deployment: DeploymentModel, environment: Record<string, string>): Service {
  const { limits } = deployment.resources;
  return {
    ...appService(deployment, ['node', 'dist/main.js'], environment),
    deploy: {
      replicas: API_REPLICAS,
      resources: { limits: { cpus: composeCpus(limits.cpu), memory: composeMemory(limits.memory) } },
    },
    healthcheck: {
      // The runtime image is node slim, without curl or wget: node's own fetch asks.
      test: [
        'CMD',
        'node',
        '-e',
        `fetch('http://127.0.0.1:${deployment.port}/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
      ],
      interval: '10s',
      timeout: '5s',
      retries: 3,
      start_period: '30s',
    },
    // Docker has no preStop: SIGTERM starts the drain (readiness 503) at once, so the grace
    // period is the drain, the longest request and closing the pools, as in Kubernetes.
    stop_grace_period: `${terminationGraceSeconds(deployment)}s`,
    restart: 'unless-stopped',
    depends_on: {
      migrate: { condition: 'service_completed_successfully' },
      pgbouncer: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    },
  };
}

/** The API's environment: the shared settings, both databases through PgBouncer, and Redis. */
function pooledEnvironment(deployment: DeploymentModel): Record<string, string> {
  const [primary, replica] = (['primary', 'replica'] as const).map(
    (role) => deployment.pooledDatabases.find((database) => database.role === role)?.alias ?? role,
  );
  return {
    ...appEnvironment(deployment),
    DATABASE_URL: databaseUrl('pgbouncer', deployment.pgbouncerPort, primary),
    DATABASE_REPLICA_URL: databaseUrl('pgbouncer', deployment.pgbouncerPort, replica),
    REDIS_URL: `redis://redis:${REDIS_PORT}`,
  };
}

/** The password goes into a URL as it is: `.env` must hold a URL-safe one (docs/compose.md). */
function databaseUrl(host: string, port: number, database: string): string {
  return `postgres://${DATABASE_USER}:${required('POSTGRES_PASSWORD')}@${host}:${port}/${database}`;
}

function nginxService(): Service {
  return {
    image: IMAGES.nginx,
    ports: [`${PUBLISHED_PORT}:${NGINX_LISTEN_PORT}`],
    volumes: [`./${NGINX_CONF_PATH}:/etc/nginx/nginx.conf:ro`],
    healthcheck: {
      test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${NGINX_LISTEN_PORT}/health/live`],
      interval: '10s',
      timeout: '5s',
      retries: 3,
    },
    restart: 'unless-stopped',
    // nginx resolves "api" when it starts (see nginx.conf): the replicas must exist by then.
    depends_on: { [API_SERVICE]: { condition: 'service_healthy' } },
  };
}

function pgbouncerService(deployment: DeploymentModel): Service {
  return {
    image: IMAGES.pgbouncer,
    environment: {
      // The image's entrypoint writes these into the auth file at start (plain text, which
      // scram-sha-256 accepts); the mounted pgbouncer.ini is used as it is.
      DB_USER: DATABASE_USER,
      DB_PASSWORD: required('POSTGRES_PASSWORD'),
      AUTH_TYPE: 'scram-sha-256',
      AUTH_FILE: PGBOUNCER_AUTH_FILE,
    },
    volumes: ['./pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro'],
    healthcheck: {
      test: ['CMD', 'pg_isready', '--host=127.0.0.1', `--port=${deployment.pgbouncerPort}`],
      interval: '5s',
      timeout: '3s',
      retries: 5,
    },
    restart: 'unless-stopped',
    depends_on: {
      [DATABASE_HOSTS.primary]: { condition: 'service_healthy' },
      [DATABASE_HOSTS.replica]: { condition: 'service_healthy' },
    },
  };
}

/** Settings both servers share: a hot standby needs max_connections at least the primary's. */
function postgresSettings(deployment: DeploymentModel): string[] {
  return [
    'postgres',
    '-c',
    `max_connections=${deployment.database.maxConnections}`,
    '-c',
    'wal_level=replica',
    '-c',
    'max_wal_senders=10',
    '-c',
    'hot_standby=on',
  ];
}

function postgresHealthcheck(deployment: DeploymentModel, startPeriod: string): Service {
  return {
    test: [
      'CMD',
      'pg_isready',
      '--host=127.0.0.1',
      `--username=${DATABASE_USER}`,
      `--dbname=${deployment.database.name}`,
    ],
    interval: '5s',
    timeout: '3s',
    retries: 10,
    start_period: startPeriod,
  };
}

/**
 * Runs once, when the primary's data directory is created: the replication login, and the pg_hba
 * line that lets it stream (the image's default only admits normal connections). `$$` is compose's
 * escape for a `$` the shell, not compose, expands.
 */
const REPLICATION_INIT_SCRIPT = [
  'psql -v ON_ERROR_STOP=1 --username "$$POSTGRES_USER" --dbname "$$POSTGRES_DB" --set=password="$$REPLICATION_PASSWORD" <<\'SQL\'',
  `CREATE ROLE ${REPLICATION_USER} WITH REPLICATION LOGIN PASSWORD :'password';`,
  'SQL',
  `echo "host replication ${REPLICATION_USER} all scram-sha-256" >> "$$PGDATA/pg_hba.conf"`,
  '',
].join('\n');

function primaryService(deployment: DeploymentModel): Service {
  return {
    image: IMAGES.postgres,
    command: postgresSettings(deployment),
    environment: {
      POSTGRES_USER: DATABASE_USER,
      POSTGRES_PASSWORD: required('POSTGRES_PASSWORD'),
      POSTGRES_DB: deployment.database.name,
      REPLICATION_PASSWORD: required('REPLICATION_PASSWORD'),
    },
    configs: [{ source: 'postgres-replication-init', target: '/docker-entrypoint-initdb.d/10-replication.sh' }],
    volumes: ['primary-data:/var/lib/postgresql/data'],
    healthcheck: postgresHealthcheck(deployment, '30s'),
    restart: 'unless-stopped',
  };
}

/**
 * On its first start (an empty data directory) the replica copies the primary with pg_basebackup
 * -R, which also writes the standby signal and primary_conninfo; every later start resumes streaming.
 */
function replicaService(deployment: DeploymentModel): Service {
  const basebackup = [
    'pg_basebackup',
    `--host=${DATABASE_HOSTS.primary}`,
    `--port=${DATABASE_HOSTS.port}`,
    `--username=${REPLICATION_USER}`,
    '--pgdata="$$PGDATA"',
    '--write-recovery-conf',
    '--wal-method=stream',
    '--checkpoint=fast',
  ].join(' ');
  const script = [
    'set -e',
    'if [ ! -s "$$PGDATA/PG_VERSION" ]; then',
    // A copy that broke off half way is removed before the next attempt.
    `  until ${basebackup}; do rm -rf "$$PGDATA"/*; echo "waiting for ${DATABASE_HOSTS.primary}"; sleep 2; done`,
    '  chmod 0700 "$$PGDATA"',
    'fi',
    `exec ${postgresSettings(deployment).join(' ')}`,
  ].join('\n');
  return {
    image: IMAGES.postgres,
    // pg_basebackup and postgres must both run as the owner of the data directory.
    user: 'postgres',
    command: ['bash', '-c', script],
    environment: { PGPASSWORD: required('REPLICATION_PASSWORD') },
    volumes: ['replica-data:/var/lib/postgresql/data'],
    healthcheck: postgresHealthcheck(deployment, '120s'),
    restart: 'unless-stopped',
    depends_on: { [DATABASE_HOSTS.primary]: { condition: 'service_healthy' } },
  };
}

/** The cache's Redis bounded as docs/runtime.md asks: volatile-lru evicts only keys with a TTL. */
function redisService(): Service {
  return {
    image: IMAGES.redis,
    command: ['redis-server', '--maxmemory', '256mb', '--maxmemory-policy', 'volatile-lru'],
    volumes: ['redis-data:/data'],
    healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', retries: 5 },
    restart: 'unless-stopped',
  };
}

/** Published on the host's loopback only: for whoever runs the stack, not for the network. */
function prometheusService(): Service {
  return {
    image: IMAGES.prometheus,
    command: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
    ports: ['127.0.0.1:9090:9090'],
    volumes: [`./${dirname(MONITORING_PATHS.prometheusConfig)}:/etc/prometheus:ro`, 'prometheus-data:/prometheus'],
    restart: 'unless-stopped',
  };
}

function grafanaService(): Service {
  return {
    image: IMAGES.grafana,
    environment: {
      GF_SECURITY_ADMIN_PASSWORD: required('GRAFANA_ADMIN_PASSWORD'),
      // Anyone who can reach Grafana may look at the dashboards; changing them needs the admin.
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
    },
    ports: ['127.0.0.1:3001:3000'],
    volumes: [
      `./monitoring/grafana/provisioning:${GRAFANA_PROVISIONING_DIR}:ro`,
      `./${MONITORING_PATHS.dashboardsDir}:${DASHBOARDS_MOUNT}:ro`,
      'grafana-data:/var/lib/grafana',
    ],
    restart: 'unless-stopped',
    depends_on: { prometheus: { condition: 'service_started' } },
  };
}
