import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { OptionalDependencies } from './optional-dependencies';
import { RedisHealthIndicator } from './redis.health';
import { ShutdownState } from './shutdown-state';

/** GET /health/live, /health/ready and /health/degraded; ShutdownState is exported for the signal handler. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, OptionalDependencies, ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule {}
