import 'reflect-metadata';
import { Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import { AppConfig, loadConfig } from './config/config';
import { ConfigError } from './config/config-error';
import { AppConfigModule } from './config/config.module';
import { createFastifyAdapter } from './http/fastify-adapter';
import { ApiInfo, serveOpenApi } from './http/openapi';
import { createLogger } from './logging/logger';
import { PinoNestLogger } from './logging/nest-logger';
import { recordHttpDurations } from './metrics/http-metrics.hook';
import { HTTP_REQUEST_DURATION, HttpRequestLabel } from './metrics/metric-names';
import { closeConnectionsWhileDraining, shutdownOnSignals } from './shutdown';

/** Root of every app: the given config (made available to PlatformModule) next to the AppModule. */
@Module({})
class ApsoApplication {}

/**
 * Builds the app on Fastify without listening. `bootstrap` uses it, and tests call it and then
 * `app.listen(0)`. `apiInfo` titles the OpenAPI document (src/generated/api-info.ts).
 */
export async function createApp(
  appModule: Type<unknown>,
  config: AppConfig,
  apiInfo?: ApiInfo,
): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(
    { module: ApsoApplication, imports: [AppConfigModule.withConfig(config), appModule] },
    createFastifyAdapter(config, logger),
    // Nest aborts the process on a startup error unless told otherwise; callers decide instead.
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(new PinoNestLogger(logger));
  recordHttpDurations(
    app.getHttpAdapter().getInstance(),
    app.get<Histogram<HttpRequestLabel>>(getToken(HTTP_REQUEST_DURATION.name)),
  );
  closeConnectionsWhileDraining(app);
  serveOpenApi(app, apiInfo, config.publicUrl);
  return app;
}

/** Entry point of src/main.ts: config, app, listen, graceful shutdown. Exits 1 with one line on failure. */
export async function bootstrap(appModule: Type<unknown>, apiInfo?: ApiInfo): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  try {
    const app = await createApp(appModule, config, apiInfo);
    await app.listen({ port: config.port, host: config.host });
    logger.info({ url: await app.getUrl() }, 'listening');
    shutdownOnSignals(app, config.shutdownDrainMs, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'startup failed');
    process.exit(1);
  }
}
