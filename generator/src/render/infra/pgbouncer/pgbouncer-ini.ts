import type { DeploymentModel } from '../../../model/deployment';
import type { IniSections } from '../../artifact';

/** Where PostgreSQL runs, as PgBouncer sees it: compose service names, or Kubernetes Services. */
export interface DatabaseHosts {
  readonly primary: string;
  readonly replica: string;
  readonly port: number;
}

/** The hosts every deployment file names; in Kubernetes, Services of these names point at the database. */
export const DATABASE_HOSTS: DatabaseHosts = { primary: 'postgres-primary', replica: 'postgres-replica', port: 5432 };

/** Where the PgBouncer container finds its users and their passwords (mounted from a secret). */
export const PGBOUNCER_AUTH_FILE = '/etc/pgbouncer/userlist.txt';

/**
 * Users of PgBouncer's own console (the `pgbouncer` database): they exist only in the auth file, not
 * in PostgreSQL. The admin may PAUSE, RELOAD and KILL; the stats user (an exporter) may only SHOW.
 */
export const PGBOUNCER_ADMIN_USER = 'pgbouncer_admin';
export const PGBOUNCER_STATS_USER = 'pgbouncer_stats';

/**
 * How long a client's query may wait for a server connection before PgBouncer drops the client
 * (PgBouncer's default is 120 s). A query queued this long finds the pool exhausted or the server
 * unreachable; failing it frees the client slot and lets the pod's pool open a fresh connection,
 * long before the caller (a load balancer's 60 s) has given up anyway.
 */
export const QUERY_WAIT_TIMEOUT_SECONDS = 30;

/**
 * pgbouncer.ini for the deployment's pool sizes: transaction pooling, one database entry per
 * PostgreSQL server. The same builder writes the root pgbouncer.ini (compose) and the ConfigMap of
 * the Kubernetes PgBouncer, so the two cannot drift.
 */
export function pgbouncerIni(
  deployment: DeploymentModel,
  hosts: DatabaseHosts = DATABASE_HOSTS,
): {
  sections: IniSections;
  comments: string[];
} {
  const { pgbouncer } = deployment;
  return {
    sections: {
      databases: databaseEntries(deployment, hosts),
      pgbouncer: {
        listen_addr: '0.0.0.0',
        listen_port: deployment.pgbouncerPort,
        auth_type: 'scram-sha-256',
        auth_file: PGBOUNCER_AUTH_FILE,
        admin_users: PGBOUNCER_ADMIN_USER,
        stats_users: PGBOUNCER_STATS_USER,
        pool_mode: 'transaction',
        max_client_conn: pgbouncer.maxClientConnections,
        default_pool_size: pgbouncer.defaultPoolSize,
        min_pool_size: pgbouncer.minPoolSize,
        reserve_pool_size: pgbouncer.reservePoolSize,
        reserve_pool_timeout: 3,
        // Per database (primary, replica): the reserve is a burst allowance, never a way past the
        // budget the arithmetic above gives each PostgreSQL server.
        max_db_connections: pgbouncer.defaultPoolSize + pgbouncer.reservePoolSize,
        // A server connection idle longer than this is checked before a client gets it, so one that
        // died with a PostgreSQL failover is dropped rather than handed out.
        server_check_query: 'select 1',
        server_check_delay: 10,
        query_wait_timeout: QUERY_WAIT_TIMEOUT_SECONDS,
        // Logins and logouts are routine with pooled clients; errors are still logged.
        log_connections: 0,
        log_disconnections: 0,
        // node-postgres sends no other startup parameter PgBouncer does not track; the app leaves
        // out statement_timeout when DB_TRANSACTION_POOLING=true (connect_query sets it instead).
        ignore_startup_parameters: 'extra_float_digits',
      },
    },
    comments: header(deployment),
  };
}

/**
 * One entry per PostgreSQL server. `connect_query` runs once on every new server connection, before
 * any client gets it, so every transaction runs under the deployment's statement_timeout: clients of
 * a transaction pooler cannot send it as a startup parameter (PgBouncer refuses the login) and a
 * session-level SET would stay on a connection other clients share.
 */
function databaseEntries(deployment: DeploymentModel, hosts: DatabaseHosts): Record<string, string> {
  const { database } = deployment;
  const connectQuery = `SET statement_timeout = ${database.statementTimeoutMs}`;
  return Object.fromEntries(
    deployment.pooledDatabases.map(({ alias, role }) => [
      alias,
      connectionString({
        host: role === 'primary' ? hosts.primary : hosts.replica,
        port: hosts.port,
        dbname: database.name,
        connect_query: connectQuery,
      }),
    ]),
  );
}

/**
 * A [databases] value: `key=value` pairs. PgBouncer reads a value with spaces between single quotes,
 * a quote inside doubled; double quotes would be part of the value.
 */
export function connectionString(pairs: Readonly<Record<string, string | number>>): string {
  return Object.entries(pairs)
    .map(([key, value]) => {
      const text = String(value);
      return /^[^\s'"\\]+$/.test(text) ? `${key}=${text}` : `${key}='${text.replace(/'/g, "''")}'`;
    })
    .join(' ');
}

function header(deployment: DeploymentModel): string[] {
  const { database, pgbouncer, replicas } = deployment;
  const clientsPerPod = database.poolSize + database.replicaPoolSize;
  const perPgbouncer = pgbouncer.defaultPoolSize + pgbouncer.reservePoolSize;
  return [
    `PgBouncer for ${deployment.image}: transaction pooling. Written by apso generate from the schema's`,
    'deployment options; change those, not this file.',
    '',
    `Clients: ${replicas.max} API pods at most × (${database.poolSize} primary + ${database.replicaPoolSize} replica) = ${replicas.max * clientsPerPod} ≤ max_client_conn ${pgbouncer.maxClientConnections}.`,
    `Servers: ${pgbouncer.replicas} PgBouncer pods × (${pgbouncer.defaultPoolSize} default + ${pgbouncer.reservePoolSize} reserve) = ${pgbouncer.replicas * perPgbouncer} per PostgreSQL server`,
    `≤ max_connections ${database.maxConnections} − ${database.reservedConnections} reserved for migrations and administrators; max_db_connections ${perPgbouncer} holds each pod to its share.`,
    '',
    `statement_timeout ${database.statementTimeoutMs} ms is set by connect_query on every server connection; the app's`,
    'DB_STATEMENT_TIMEOUT_MS must match (it warns at start when it does not).',
    'server_reset_query is left at its default: PgBouncer runs none in transaction mode, where clients keep no',
    'session state. Migrations connect to the primary directly (DATABASE_DIRECT_URL), never through here.',
  ];
}
