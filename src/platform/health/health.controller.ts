import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { DependencyReport, OptionalDependencies, PING_TIMEOUT_MS } from './optional-dependencies';
import { ShutdownState } from './shutdown-state';
import { Public } from '../auth/access.decorator';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly optional: OptionalDependencies,
    private readonly shutdown: ShutdownState,
    @InjectDataSource() private readonly primary: DataSource,
  ) {}

  /** Liveness: the event loop answers. No I/O, so a database outage never restarts the pod. */
  @Get('live')
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: whether this pod can answer. 503 only when the primary database is unreachable or
   * the process is draining after SIGTERM. Redis and the replica are reported in `details` and
   * listed in `degraded` when down, without failing the check (see OptionalDependencies).
   */
  @Get('ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness: 503 while the primary database is unreachable or the instance is draining',
  })
  @HealthCheck()
  async ready() {
    const [result, optional] = await Promise.all([
      this.health.check([
        () => {
          const indicator = this.indicators.check('shutdown');
          return this.shutdown.draining ? indicator.down({ message: 'draining' }) : indicator.up();
        },
        () => this.typeorm.pingCheck('database', { connection: this.primary, timeout: PING_TIMEOUT_MS }),
      ]),
      this.optional.check(),
    ]);
    return { ...result, degraded: optional.degraded, details: { ...result.details, ...optional.details } };
  }

  /** Always 200: `status` is `degraded` while Redis or the replica is down, for dashboards and alerts. */
  @Get('degraded')
  @ApiOperation({ operationId: 'getDegradation', summary: 'Which optional dependencies (Redis, the replica) are down' })
  degraded(): Promise<DependencyReport> {
    return this.optional.check();
  }
}
