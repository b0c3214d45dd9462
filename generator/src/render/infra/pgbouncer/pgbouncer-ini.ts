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
  const { database, pgbouncer, replicas } = deployment;
  const hostOf = (role: 'primary' | 'replica') => (role === 'primary' ? hosts.primary : hosts.replica);
  const databases = Object.fromEntries(
    deployment.pooledDatabases.map(({ alias, role }) => [
      alias,
      `host=${hostOf(role)} port=${hosts.port} dbname=${database.name}`,
    ]),
  );
  return {
    sections: {
      databases,
      pgbouncer: {
        listen_addr: '0.0.0.0',
        listen_port: deployment.pgbouncerPort,
        auth_type: 'scram-sha-256',
        auth_file: PGBOUNCER_AUTH_FILE,
        pool_mode: 'transaction',
        max_client_conn: pgbouncer.maxClientConnections,
        default_pool_size: pgbouncer.defaultPoolSize,
        min_pool_size: pgbouncer.minPoolSize,
        reserve_pool_size: pgbouncer.reservePoolSize,
        reserve_pool_timeout: 3,
        // node-postgres sends no other startup parameter PgBouncer does not track.
        ignore_startup_parameters: 'extra_float_digits',
      },
    },
    comments: [
      `PgBouncer for ${deployment.image}: transaction pooling. Written by apso generate from the schema's`,
      'deployment options; change those, not this file.',
      '',
      `Clients: ${replicas.max} API pods at most × (${database.poolSize} primary + ${database.replicaPoolSize} replica) = ${replicas.max * (database.poolSize + database.replicaPoolSize)} ≤ max_client_conn ${pgbouncer.maxClientConnections}.`,
      `Servers: ${pgbouncer.replicas} PgBouncer pods × (${pgbouncer.defaultPoolSize} default + ${pgbouncer.reservePoolSize} reserve) = ${pgbouncer.replicas * (pgbouncer.defaultPoolSize + pgbouncer.reservePoolSize)} per PostgreSQL server`,
      `≤ max_connections ${database.maxConnections} − ${database.reservedConnections} reserved for migrations and administrators.`,
    ],
  };
}
