import { BeforeApplicationShutdown, DynamicModule, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { getToken } from '@willsoto/nestjs-prometheus';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { APP_CONFIG, AppConfigModule } from '../config/config.module';
import { dataSourceOptions } from '../database/data-source-options';
import { DatabaseSchema } from '../database/database-schema';
import { ShutdownState } from '../health/shutdown-state';
import {
  EVENTS_RELAYED,
  QUEUE_JOBS,
  WEBHOOK_DELIVERY_ATTEMPTS,
  WEBHOOK_DELIVERY_DURATION,
} from '../metrics/metric-names';
import { MetricsModule } from '../metrics/metrics.module';
import { WORKER_METRIC_PROVIDERS } from '../metrics/worker-metrics';
import { EventRelay } from './event-relay';
import { JobsConfig, queuePrefix, WEBHOOK_QUEUE } from './jobs-config';
import { WebhookTarget } from './webhook-delivery';
import { WebhookProcessor } from './webhook-processor';
import { WorkerHealthController } from './worker-health.controller';

/** The queue the relay adds delivery jobs to, on a connection of its own: a failing add must fail, not wait for Redis. */
const WEBHOOK_JOBS_QUEUE = Symbol('WEBHOOK_JOBS_QUEUE');

interface RelayQueue {
  readonly queue: Queue;
  readonly connection: IORedis;
}

function relayQueue(config: AppConfig): RelayQueue {
  // A hung Redis must not hold the relay's transaction (and its rows' locks) open: each call gives up after 5 s.
  const connection = new IORedis(config.jobs.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 5_000 });
  const queue = new Queue(WEBHOOK_QUEUE, { connection, prefix: queuePrefix(config.cacheNamespace) });
  // Its failures reach the relay's transaction, which logs them; an 'error' nobody listens to would throw.
  queue.on('error', () => undefined);
  return { queue, connection };
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;
/** A scrape must answer while Redis does not: the queue sizes are then left as last read. */
const QUEUE_COUNT_TIMEOUT_MS = 1_000;

async function jobCounts(queue: Queue): Promise<Record<string, number> | undefined> {
  const counts = queue.getJobCounts(...JOB_STATES).catch(() => undefined);
  return Promise.race([counts, sleep(QUEUE_COUNT_TIMEOUT_MS, undefined)]);
}

/** queue_jobs{queue,state}, read from both queues whenever /metrics is scraped. */
function queueJobsGauge(queues: readonly Queue[]): Gauge<'queue' | 'state'> {
  // One worker app per process, but tests may build another: the collector must read this app's queues.
  register.removeSingleMetric(QUEUE_JOBS.name);
  return new Gauge({
    ...QUEUE_JOBS,
    labelNames: [...QUEUE_JOBS.labelNames],
    async collect() {
      const counts = await Promise.all(queues.map(jobCounts));
      queues.forEach((queue, index) => {
        const ofQueue = counts[index];
        if (ofQueue === undefined) return;
        for (const state of JOB_STATES) this.set({ queue: queue.name, state }, ofQueue[state] ?? 0);
      });
    },
  });
}

/**
 * Starts the relay and the deliveries once the app is up; on shutdown, before any connection closes,
 * stops the relay (its batch in progress ends) and the deliveries (waiting up to WORKER_SHUTDOWN_MS).
 */
class WorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly relay: EventRelay,
    private readonly processor: WebhookProcessor,
    private readonly relayQueue: RelayQueue,
    private readonly shutdownMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
    this.processor.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.processor.close(this.shutdownMs);
    await this.relayQueue.queue.close().catch(() => undefined);
    this.relayQueue.connection.disconnect();
  }
}

/**
 * The worker process's app: the primary database (no replica, no migrations: the API runs those), the
 * metrics, the probes, the event relay and the webhook deliveries. Every provider is a factory with its
 * dependencies named, so the module also runs under tsx (no constructor metadata).
 */
@Module({})
export class WorkerModule {
  static forRoot(schema: DatabaseSchema, jobs: JobsConfig, targets: ReadonlyMap<string, WebhookTarget>): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule,
        TypeOrmModule.forRootAsync({
          imports: [AppConfigModule],
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions('primary', config, schema),
            retryAttempts: 3,
            retryDelay: 1000,
          }),
        }),
        MetricsModule,
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
      ],
      controllers: [WorkerHealthController],
      providers: [
        ...WORKER_METRIC_PROVIDERS,
        ShutdownState,
        {
          provide: WebhookProcessor,
          inject: [APP_CONFIG, getToken(WEBHOOK_DELIVERY_ATTEMPTS.name), getToken(WEBHOOK_DELIVERY_DURATION.name)],
          useFactory: (
            config: AppConfig,
            attempts: Counter<'subscription' | 'outcome'>,
            durations: Histogram<'subscription'>,
          ) =>
            new WebhookProcessor({
              jobs,
              targets,
              redisUrl: config.jobs.redisUrl,
              prefix: queuePrefix(config.cacheNamespace),
              lockMs: config.jobs.lockMs,
              attempts,
              durations,
            }),
        },
        {
          provide: WEBHOOK_JOBS_QUEUE,
          inject: [APP_CONFIG],
          useFactory: relayQueue,
        },
        {
          provide: EventRelay,
          inject: [getDataSourceToken(), WEBHOOK_JOBS_QUEUE, APP_CONFIG, getToken(EVENTS_RELAYED.name)],
          useFactory: (primary: DataSource, relay: RelayQueue, config: AppConfig, relayed: Counter) =>
            new EventRelay(primary, relay.queue, jobs, config.jobs.relayIntervalMs, relayed),
        },
        {
          provide: QUEUE_JOBS.name,
          inject: [WEBHOOK_JOBS_QUEUE, WebhookProcessor],
          useFactory: (relay: RelayQueue, processor: WebhookProcessor) =>
            queueJobsGauge([relay.queue, processor.deadLetters]),
        },
        {
          provide: WorkerLifecycle,
          inject: [EventRelay, WebhookProcessor, WEBHOOK_JOBS_QUEUE, APP_CONFIG, QUEUE_JOBS.name],
          useFactory: (relay: EventRelay, processor: WebhookProcessor, queue: RelayQueue, config: AppConfig) =>
            new WorkerLifecycle(relay, processor, queue, config.jobs.shutdownMs),
        },
      ],
    };
  }
}
