import { deploymentSchema } from '../schema/schema';
import type { DeploymentOptions, DeploymentSpec } from '../schema/document';

/**
 * How the service runs, resolved: the schema's `deployment` options with their defaults (the zod
 * schema's, the one definition) and the values derived from them. Every deployment file (k8s,
 * compose, pgbouncer.ini, nginx, Prometheus, Grafana) reads this, so two files never disagree on a
 * pool size or a port.
 */
export interface DeploymentModel extends Omit<DeploymentOptions, 'image'> {
  readonly image: string;
  /** The port the API listens on inside its container. */
  readonly port: number;
  /** PgBouncer's listening port. */
  readonly pgbouncerPort: number;
  /**
   * The databases PgBouncer serves: the primary and the replica. Each gets its own server pool, on
   * its own PostgreSQL server.
   */
  readonly pooledDatabases: readonly PooledDatabase[];
}

export interface PooledDatabase {
  /** The name clients connect to through PgBouncer. */
  readonly alias: string;
  readonly role: 'primary' | 'replica';
}

export const API_PORT = 3000;
export const PGBOUNCER_PORT = 6432;

export function deploymentOf(spec: DeploymentSpec | undefined, serviceName: string): DeploymentModel {
  const options = deploymentSchema.parse(spec ?? {});
  return {
    ...options,
    image: options.image ?? `${serviceName}:latest`,
    port: API_PORT,
    pgbouncerPort: PGBOUNCER_PORT,
    pooledDatabases: [
      { alias: 'app', role: 'primary' },
      { alias: 'app_replica', role: 'replica' },
    ],
  };
}

/** A pool limit the options break, as the sentence an error shows, with the arithmetic. */
export interface PoolArithmeticProblem {
  /** Relative to `deployment`. */
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * The connection arithmetic the options must satisfy:
 * - every API pod at the autoscaler's maximum connects through one PgBouncer at worst (a rolling
 *   restart of PgBouncer), so replicas.max × (poolSize + replicaPoolSize) ≤ max_client_conn;
 * - every PgBouncer pod opens its own server pool (default + reserve) to each PostgreSQL server,
 *   so pgbouncer.replicas × (defaultPoolSize + reservePoolSize) ≤ max_connections − reserved.
 */
export function poolArithmeticProblems(deployment: DeploymentOptions): PoolArithmeticProblem[] {
  const { replicas, database, pgbouncer } = deployment;
  const problems: PoolArithmeticProblem[] = [];
  const clientConnections = replicas.max * (database.poolSize + database.replicaPoolSize);
  if (clientConnections > pgbouncer.maxClientConnections) {
    problems.push({
      path: ['pgbouncer', 'maxClientConnections'],
      message: `${replicas.max} pods × (${database.poolSize} + ${database.replicaPoolSize}) pool connections = ${clientConnections}, more than max_client_conn ${pgbouncer.maxClientConnections}; raise it or lower replicas.max or the pool sizes`,
    });
  }
  const serverConnections = pgbouncer.replicas * (pgbouncer.defaultPoolSize + pgbouncer.reservePoolSize);
  const available = database.maxConnections - database.reservedConnections;
  if (serverConnections > available) {
    problems.push({
      path: ['pgbouncer', 'defaultPoolSize'],
      message: `${pgbouncer.replicas} PgBouncer pods × (${pgbouncer.defaultPoolSize} + ${pgbouncer.reservePoolSize} reserve) = ${serverConnections} server connections, more than max_connections ${database.maxConnections} − ${database.reservedConnections} reserved = ${available}`,
    });
  }
  if (pgbouncer.minPoolSize > pgbouncer.defaultPoolSize) {
    problems.push({
      path: ['pgbouncer', 'minPoolSize'],
      message: `minPoolSize ${pgbouncer.minPoolSize} is larger than defaultPoolSize ${pgbouncer.defaultPoolSize}`,
    });
  }
  if (replicas.min > replicas.max) {
    problems.push({ path: ['replicas', 'min'], message: `min ${replicas.min} is larger than max ${replicas.max}` });
  }
  return problems;
}
