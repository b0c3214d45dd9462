import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { AppConfig } from '../config/config';
import { connectionLabel, PRIMARY, REPLICA } from './connections';
import { DatabaseSchema } from './database-schema';
import { QueryMetricsSubscriber } from './query-metrics.subscriber';

export type ConnectionRole = 'primary' | 'replica';

/**
 * TypeORM options of the primary (writer) or the replica (reader) pool. The schema is owned by
 * migrations, so `synchronize` is never on and migrations run only through runMigrations().
 */
export function dataSourceOptions(
  role: ConnectionRole,
  config: AppConfig,
  schema: DatabaseSchema,
): PostgresConnectionOptions {
  const name = role === 'replica' ? REPLICA : PRIMARY;
  return {
    type: 'postgres',
    name,
    url: role === 'replica' ? config.databaseReplicaUrl : config.databaseUrl,
    entities: [...schema.entities],
    migrations: [...schema.migrations],
    subscribers: [QueryMetricsSubscriber],
    synchronize: false,
    migrationsRun: false,
    // Passed to pg.Pool.
    extra: {
      max: role === 'replica' ? config.dbReplicaPoolMax : config.dbPoolMax,
      idleTimeoutMillis: config.dbIdleTimeoutMs,
      connectionTimeoutMillis: config.dbConnectTimeoutMs,
      application_name: `apso-${connectionLabel(name)}`,
      ...startupStatementTimeout(config),
    },
  };
}

/**
 * `statement_timeout` bounds runaway queries server-side. Sent as a startup parameter, each new
 * connection gets it; PgBouncer refuses a login that carries it ("unsupported startup parameter"),
 * so behind a transaction pooler its connect_query sets it on every server connection instead
 * (pgbouncer.ini; StatementTimeoutCheck warns at start when the two disagree).
 */
function startupStatementTimeout(config: AppConfig): { statement_timeout?: number } {
  return config.dbTransactionPooling ? {} : { statement_timeout: config.dbStatementTimeoutMs };
}
