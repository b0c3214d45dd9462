import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PING_TIMEOUT_MS } from '../health/optional-dependencies';
import { ShutdownState } from '../health/shutdown-state';
import { WebhookProcessor } from './webhook-processor';

/**
 * The worker's probes. Injection is explicit (@Inject): the worker also runs from TypeScript through
 * tsx, whose compiler emits no constructor metadata.
 */
@Controller('health')
export class WorkerHealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(TypeOrmHealthIndicator) private readonly typeorm: TypeOrmHealthIndicator,
    @Inject(ShutdownState) private readonly shutdown: ShutdownState,
    @Inject(WebhookProcessor) private readonly processor: WebhookProcessor,
    @Inject(getDataSourceToken()) private readonly primary: DataSource,
  ) {}

  /** The event loop answers; no I/O, so an outage of a dependency never restarts the worker. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 503 while draining after SIGTERM, or while the database or the queues' Redis is unreachable (no work can be done). */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('shutdown');
        return this.shutdown.draining ? indicator.down({ message: 'draining' }) : indicator.up();
      },
      () => this.typeorm.pingCheck('database', { connection: this.primary, timeout: PING_TIMEOUT_MS }),
      async () => {
        const indicator = this.indicators.check('redis');
        return (await this.processor.ping(PING_TIMEOUT_MS)) ? indicator.up() : indicator.down();
      },
    ]);
  }
}
