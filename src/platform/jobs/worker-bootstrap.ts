import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppConfig, loadConfig } from '../config/config';
import { ConfigError } from '../config/config-error';
import { AppConfigModule } from '../config/config.module';
import { DatabaseSchema } from '../database/database-schema';
import { ShutdownState } from '../health/shutdown-state';
import { createFastifyAdapter } from '../http/fastify-adapter';
import { createLogger } from '../logging/logger';
import { PinoNestLogger } from '../logging/nest-logger';
import { closeConnectionsWhileDraining } from '../shutdown';
import { JobsConfig } from './jobs-config';
import { WebhookTarget } from './webhook-delivery';
import { webhookTargets } from './webhook-targets';
import { WorkerModule } from './worker.module';

/** Root of the worker app: the given config next to the WorkerModule. */
@Module({})
class ApsoWorker {}

/** Builds the worker app on Fastify without listening (bootstrapWorker listens on WORKER_PORT). */
export async function createWorkerApp(
  schema: DatabaseSchema,
  jobs: JobsConfig,
  config: AppConfig,
  targets: ReadonlyMap<string, WebhookTarget>,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    { module: ApsoWorker, imports: [AppConfigModule.withConfig(config), WorkerModule.forRoot(schema, jobs, targets)] },
    createFastifyAdapter(config, logger),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(new PinoNestLogger(logger));
  closeConnectionsWhileDraining(app);
  return app;
}

/**
 * Entry point of src/worker.ts: the process that moves recorded events to the queue and delivers
 * webhooks, serving /metrics and /health on WORKER_PORT. Exits 1 with one line when the configuration
 * (the subscriptions' URL and secret variables included) is invalid.
 */
export async function bootstrapWorker(schema: DatabaseSchema, jobs: JobsConfig): Promise<void> {
  let config: AppConfig;
  let targets: Map<string, WebhookTarget>;
  try {
    config = loadConfig();
    targets = webhookTargets(jobs.webhooks);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  try {
    const app = await createWorkerApp(schema, jobs, config, targets, logger);
    await app.listen({ port: config.jobs.workerPort, host: config.host });
    logger.info({ url: await app.getUrl() }, 'worker listening');
    stopOnSignals(app, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'worker startup failed');
    process.exit(1);
  }
}

/**
 * SIGTERM (or SIGINT): readiness turns 503 at once; then Nest's close runs the worker's shutdown (the
 * relay stops, the deliveries stop being taken and the active ones get WORKER_SHUTDOWN_MS to finish),
 * the HTTP server and the database pool close, and the process exits 0. A second signal exits at once.
 */
function stopOnSignals(app: NestFastifyApplication, logger: Logger): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting immediately');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    app.get(ShutdownState).startDraining();
    try {
      await app.close();
      logger.info('worker shutdown complete');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'worker shutdown failed');
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void stop(s));
}
