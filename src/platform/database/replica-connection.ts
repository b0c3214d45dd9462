import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { connectivityFault } from './connectivity-fault';
import { REPLICA } from './connections';

/**
 * Opens the replica connection (TypeORM's own start-up is turned off for it, see DatabaseModule), so
 * that a replica that is down at start does not stop the process: until it is open, ReplicaReads
 * sends every read to the primary, and it is tried again every REPLICA_BREAKER_COOLDOWN_MS.
 */
@Injectable()
export class ReplicaConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ReplicaConnection');
  private retry: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @InjectDataSource(REPLICA) private readonly replica: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await this.replica.initialize();
    } catch (error) {
      // Anything else (a wrong password, a missing database) is a mistake to fix, not an outage to ride out.
      const fault = connectivityFault(error);
      if (fault === undefined) throw error;
      this.logger.warn(`Replica unreachable at start (${fault}): reads go to the primary until it answers`);
      this.retryLater();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.attempt;
  }

  private retryLater(): void {
    this.retry = setTimeout(() => (this.attempt = this.reopen()), this.config.replicaBreakerCooldownMs);
    // A pending retry never keeps a process alive that has nothing else to do.
    this.retry.unref();
  }

  private async reopen(): Promise<void> {
    try {
      await this.replica.initialize();
      // Shutdown began while connecting, possibly after TypeORM closed its connections: close this one.
      if (this.stopped) await this.replica.destroy();
      else this.logger.log('Replica reachable: reads go to it again');
    } catch (error) {
      if (this.stopped) return;
      const reason = connectivityFault(error) ?? (error instanceof Error ? error.message : String(error));
      this.logger.debug(`Replica still unreachable (${reason})`);
      this.retryLater();
    }
  }
}
