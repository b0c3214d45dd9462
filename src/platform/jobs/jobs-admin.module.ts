import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AdminQueues } from './admin-queues';
import { AdminToken, AdminTokenGuard } from './admin-token.guard';
import { DeadLetters, JOBS_CONFIG_TOKEN } from './dead-letters';
import { JobsConfig } from './jobs-config';
import { JobsController } from './jobs.controller';
import { QueueBoard } from './queue-board';

/**
 * The API side of background work (docs/jobs.md), for a schema with webhooks: GET /jobs/:id, the dead
 * letters and their replay, and the queue board at /admin/queues, all opened by JOBS_ADMIN_TOKEN and
 * absent without it. Imported by the generated app (src/generated/jobs.ts) after PlatformModule,
 * whose config and metrics it uses. The worker process (worker-bootstrap.ts) consumes the queues.
 */
@Module({})
export class JobsAdminModule {
  static forRoot(config: JobsConfig): DynamicModule {
    return {
      module: JobsAdminModule,
      controllers: [JobsController],
      providers: [
        { provide: JOBS_CONFIG_TOKEN, useValue: config },
        {
          provide: AdminToken,
          inject: [APP_CONFIG],
          useFactory: (app: AppConfig) => new AdminToken(app.jobs.adminToken),
        },
        { provide: AdminQueues, inject: [APP_CONFIG], useFactory: (app: AppConfig) => new AdminQueues(app) },
        AdminTokenGuard,
        DeadLetters,
        QueueBoard,
      ],
    };
  }
}
