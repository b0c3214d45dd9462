import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { REPLICA } from '../database/connections';
import { RedisHealthIndicator } from './redis.health';
import { ShutdownState } from './shutdown-state';

/** Each dependency must answer within this; Kubernetes' default probe timeout is one second. */
const PING_TIMEOUT_MS = 800;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: ShutdownState,
    @InjectDataSource() private readonly primary: DataSource,
    @InjectDataSource(REPLICA) private readonly replica: DataSource,
  ) {}

  /** Liveness: the event loop answers. No I/O, so a database outage never restarts the pod. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 503 when any dependency is down or the process is draining after SIGTERM. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('shutdown');
        return this.shutdown.draining ? indicator.down({ message: 'draining' }) : indicator.up();
      },
      () => this.typeorm.pingCheck('database', { connection: this.primary, timeout: PING_TIMEOUT_MS }),
      () => this.typeorm.pingCheck('database_replica', { connection: this.replica, timeout: PING_TIMEOUT_MS }),
      () => this.redis.pingCheck('redis', PING_TIMEOUT_MS),
    ]);
  }
}
