import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config';
import { APP_CONFIG, AppConfigModule } from '../config/config.module';
import { REPLICA } from './connections';
import { ConnectionRole, dataSourceOptions } from './data-source-options';
import { DatabaseSchema } from './database-schema';
import { PoolMetrics } from './pool-metrics';
import { ReplicaConnection } from './replica-connection';
import { StatementTimeoutCheck } from './statement-timeout-check';

/**
 * Primary: a few quick retries ride out a database restart; beyond that, failing lets the orchestrator
 * restart us. Replica: opened by ReplicaConnection instead, which starts without it.
 */
const START = {
  primary: { retryAttempts: 3, retryDelay: 1000 },
  replica: { manualInitialization: true },
};

function connection(role: ConnectionRole, schema: DatabaseSchema): DynamicModule {
  return TypeOrmModule.forRootAsync({
    name: role === 'replica' ? REPLICA : undefined,
    imports: [AppConfigModule],
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => ({ ...dataSourceOptions(role, config, schema), ...START[role] }),
  });
}

/** The primary (default, writes) and replica (REPLICA, reads) TypeORM connections. */
@Module({})
export class DatabaseModule {
  static forRoot(schema: DatabaseSchema): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [connection('primary', schema), connection('replica', schema)],
      providers: [ReplicaConnection, StatementTimeoutCheck, PoolMetrics],
    };
  }
}
