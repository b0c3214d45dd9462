import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { connectionLabel, REPLICA } from './connections';

/**
 * Behind a transaction pooler the app cannot set statement_timeout itself (see
 * data-source-options.ts): the pooler's connect_query does. Once at start, this reads the value a
 * pooled connection really has and warns when it is not DB_STATEMENT_TIMEOUT_MS, so a pgbouncer.ini
 * that drifted from the app's configuration shows in the first log lines instead of in a query
 * that runs for minutes. One query per pool; a failure only warns, it never stops the start.
 */
@Injectable()
export class StatementTimeoutCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('StatementTimeoutCheck');

  constructor(
    @InjectDataSource() private readonly primary: DataSource,
    @InjectDataSource(REPLICA) private readonly replica: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.dbTransactionPooling) return;
    // A replica still unreachable is ReplicaConnection's to report.
    const pools = [this.primary, this.replica].filter((pool) => pool.isInitialized);
    await Promise.all(pools.map((pool) => this.check(pool)));
  }

  private async check(pool: DataSource): Promise<void> {
    const connection = connectionLabel(pool.name);
    try {
      const problem = statementTimeoutProblem(connection, await statementTimeoutMs(pool), this.config);
      if (problem) this.logger.warn(problem);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Could not read statement_timeout on the ${connection} pool: ${reason}`);
    }
  }
}

/** The session's statement_timeout in milliseconds (pg_settings' unit for it), as SHOW reports it. */
async function statementTimeoutMs(pool: DataSource): Promise<number> {
  const rows = (await pool.query(`SELECT setting FROM pg_settings WHERE name = 'statement_timeout'`)) as {
    setting: string;
  }[];
  return Number(rows[0].setting);
}

/** The warning for a pooled connection whose statement_timeout is not the configured one, or undefined. */
export function statementTimeoutProblem(
  connection: string,
  actualMs: number,
  config: Pick<AppConfig, 'dbStatementTimeoutMs'>,
): string | undefined {
  if (actualMs === config.dbStatementTimeoutMs) return undefined;
  return (
    `statement_timeout on the ${connection} pool is ${actualMs} ms, but DB_STATEMENT_TIMEOUT_MS is ` +
    `${config.dbStatementTimeoutMs} ms: with DB_TRANSACTION_POOLING=true the pooler sets it ` +
    `(connect_query in pgbouncer.ini); make the two agree`
  );
}
