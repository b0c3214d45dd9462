import type { DeploymentModel } from '../../model/deployment';
import type { AuthModel, JobsModel } from '../../model/types';

/** Seconds a pod waits in preStop before it is signalled, while endpoints and load balancers drop it. */
export const PRE_STOP_SECONDS = 5;
/** The platform's default HTTP_REQUEST_TIMEOUT_MS: the longest an in-flight request may still need. */
const REQUEST_TIMEOUT_SECONDS = 30;
/** For closing pools and the Redis client after the last response. */
const CLOSE_MARGIN_SECONDS = 5;

/**
 * The non-secret environment of every API pod, in Kubernetes (a ConfigMap) and compose alike. The
 * platform reads each variable (src/platform/config/config.ts) and refuses a bad value at start.
 */
export function appEnvironment(deployment: DeploymentModel): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: String(deployment.port),
    LOG_LEVEL: 'info',
    DB_POOL_MAX: String(deployment.database.poolSize),
    DB_REPLICA_POOL_MAX: String(deployment.database.replicaPoolSize),
    DB_STATEMENT_TIMEOUT_MS: String(deployment.database.statementTimeoutMs),
    SHUTDOWN_DRAIN_MS: String(deployment.shutdownDrainSeconds * 1000),
    // The database URLs go through PgBouncer in transaction mode (see the platform's config.ts).
    DB_TRANSACTION_POOLING: 'true',
  };
}

/**
 * The secret environment: connection URLs carry credentials, so they come from a Secret (Kubernetes)
 * or a `.env` file (compose) that the repository never holds. `DATABASE_URL` and
 * `DATABASE_REPLICA_URL` go through PgBouncer; `DATABASE_DIRECT_URL` reaches the primary itself, for
 * migrations (DDL and advisory locks need a session of their own).
 */
export const SECRET_KEYS = ['DATABASE_URL', 'DATABASE_REPLICA_URL', 'DATABASE_DIRECT_URL', 'REDIS_URL'] as const;

/**
 * With `auth`, where bearer tokens' keys come from (src/platform/config/config.ts): a shared secret,
 * or an identity provider's JWKS with the issuer and audience its tokens must name. Only the operator
 * knows these values, so they sit in the file the operator writes (k8s/secrets.env, compose's .env),
 * the issuer and audience too although they are not secret: the generated ConfigMap is rewritten by
 * every `apso generate`.
 */
export const AUTH_SECRET_KEYS = ['AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'] as const;

/** The keys file (schema `auth.apiKey`): its name in the Secret and on disk, where API pods mount it read-only. */
export const API_KEYS_FILE = 'api-keys.json';
export const API_KEYS_MOUNT_DIR = '/etc/apso/api-keys';

/** The non-secret environment auth adds to API pods: where the keys file is mounted. */
export function authEnvironment(auth: AuthModel | null, keysDir: string = API_KEYS_MOUNT_DIR): Record<string, string> {
  return auth?.apiKey ? { AUTH_API_KEYS_FILE: `${keysDir}/${API_KEYS_FILE}` } : {};
}

/**
 * How long Kubernetes lets a stopping pod finish: the preStop pause, the drain (readiness 503 while
 * still serving), the longest request still in flight, and closing its connections.
 */
export function terminationGraceSeconds(deployment: DeploymentModel): number {
  return PRE_STOP_SECONDS + deployment.shutdownDrainSeconds + REQUEST_TIMEOUT_SECONDS + CLOSE_MARGIN_SECONDS;
}

/** The worker's port for /metrics and the probes (WORKER_PORT's default), and its name on the container. */
export const WORKER_PORT = 3001;
export const WORKER_METRICS_PORT_NAME = 'metrics';
/** How long a stopping worker lets running deliveries finish (WORKER_SHUTDOWN_MS). */
const WORKER_SHUTDOWN_SECONDS = 25;

/** The worker's grace period: its shutdown, then closing its connections; above it, no delivery is cut off by SIGKILL. */
export function workerTerminationGraceSeconds(): number {
  return WORKER_SHUTDOWN_SECONDS + CLOSE_MARGIN_SECONDS;
}

/** The non-secret environment webhooks add: the worker's shutdown bound the grace periods rely on. */
export function jobsEnvironment(jobs: JobsModel | null): Record<string, string> {
  return jobs ? { WORKER_SHUTDOWN_MS: String(WORKER_SHUTDOWN_SECONDS * 1000) } : {};
}

/**
 * The secrets webhooks add, filled in by the operator (empty counts as unset: the worker refuses to
 * start, naming them): each webhook's URL, which often carries a token of the receiver's (chat and CI
 * webhooks do) and which the ConfigMap, rewritten by every `apso generate`, could not keep anyway;
 * each signing secret; and the token of the API's job routes.
 */
export function jobsSecretKeys(jobs: JobsModel | null): string[] {
  if (!jobs) return [];
  return [...jobs.webhooks.flatMap((webhook) => [webhook.urlVariable, webhook.secretVariable]), JOBS_ADMIN_TOKEN];
}

export const JOBS_ADMIN_TOKEN = 'JOBS_ADMIN_TOKEN';
