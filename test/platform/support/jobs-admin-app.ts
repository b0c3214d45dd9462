import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { SignJWT } from 'jose';
import type { EntityEvent } from '../../../src/platform/events/entity-event';
import type { JobsConfig } from '../../../src/platform/jobs/jobs-config';
import { DEAD_LETTER_QUEUE, queuePrefix, WEBHOOK_QUEUE } from '../../../src/platform/jobs/jobs-config';
import { createDatabase, TestDatabase } from '../../support/services';
import { loadCompiled } from './compiled';
import { fixtureSchema } from './fixture-app';

type BootstrapExports = typeof import('../../../src/platform/bootstrap');
type ConfigExports = typeof import('../../../src/platform/config/config');
type ApplyMigrationsExports = typeof import('../../../src/platform/database/apply-migrations');
type AuthModuleExports = typeof import('../../../src/platform/auth/auth.module');
type JobsAdminModuleExports = typeof import('../../../src/platform/jobs/jobs-admin.module');

/** What src/generated/jobs.ts would hold for one subscription, `billing`. */
export const JOBS: JobsConfig = {
  webhooks: [
    {
      name: 'billing',
      events: ['Widget.created'],
      urlVariable: 'WEBHOOK_BILLING_URL',
      secretVariable: 'WEBHOOK_BILLING_SECRET',
    },
  ],
  attempts: 4,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  timeoutMs: 5_000,
  concurrency: 2,
  keepCompleted: { ageSeconds: 3_600, count: 100 },
  keepFailed: { ageSeconds: 86_400, count: 1_000 },
};

/** Every app of the jobs tests uses this namespace, so the tests' own queues meet the app's. */
export const CACHE_NAMESPACE = 'jobsa-test';
/** Signs the API's bearer tokens (AuthModule): a valid JWT must still not open the job routes. */
export const JWT_SECRET = 'jobs-admin-spec-jwt-secret-of-at-least-32-bytes';

export interface JobsAdminApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

/**
 * The fixture app with authentication on (so the access guard runs on every route) and the jobs
 * module imported after it, as the generated app imports JOBS_MODULE; in this process, on a random port.
 */
export async function startJobsAdminApp(env: Record<string, string>): Promise<JobsAdminApp> {
  const { loadConfig } = loadCompiled<ConfigExports>('src/platform/config/config');
  const { applyMigrations } = loadCompiled<ApplyMigrationsExports>('src/platform/database/apply-migrations');
  const { createApp } = loadCompiled<BootstrapExports>('src/platform/bootstrap');
  const { AppModule } = loadCompiled<{ AppModule: Type<unknown> }>('src/app.module');
  const { AuthModule } = loadCompiled<AuthModuleExports>('src/platform/auth/auth.module');
  const { JobsAdminModule } = loadCompiled<JobsAdminModuleExports>('src/platform/jobs/jobs-admin.module');

  @Module({})
  class JobsAdminTestApp {
    static withJobs(): DynamicModule {
      return {
        module: JobsAdminTestApp,
        imports: [
          AppModule,
          AuthModule.forRoot({ rolesClaim: 'roles', clockToleranceSeconds: 5 }),
          JobsAdminModule.forRoot(JOBS),
        ],
      };
    }
  }

  const database = await createDatabase('jobsa');
  try {
    const config = loadConfig({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'fatal',
      CACHE_NAMESPACE,
      AUTH_JWT_SECRET: JWT_SECRET,
      ...env,
    });
    await applyMigrations(config, fixtureSchema());
    const app = await createApp(JobsAdminTestApp.withJobs() as unknown as Type<unknown>, config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      app,
      baseUrl: await app.getUrl(),
      database,
      close: async () => {
        await app.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** A JWT the app's access guard accepts. */
export function apiToken(): Promise<string> {
  return new SignJWT({ sub: 'someone', roles: ['admin'], exp: Math.floor(Date.now() / 1000) + 600 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/** The test's own producers on the app's queues, as the relay and the worker would fill them. */
export function testQueues(redisUrl: string): {
  webhooks: Queue;
  deadLetters: Queue;
  connection: IORedis;
  close(): Promise<void>;
} {
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const options = { connection, prefix: queuePrefix(CACHE_NAMESPACE) };
  const webhooks = new Queue(WEBHOOK_QUEUE, options);
  const deadLetters = new Queue(DEAD_LETTER_QUEUE, options);
  return {
    webhooks,
    deadLetters,
    connection,
    close: async () => {
      await webhooks.close();
      await deadLetters.close();
      await connection.quit();
    },
  };
}

/** An event as the relay reads it from apso_events. */
export function widgetCreated(): EntityEvent {
  const entityId = randomUUID();
  return {
    id: randomUUID(),
    type: 'created',
    entity: 'Widget',
    entityId,
    timestamp: new Date().toISOString(),
    payload: { id: entityId, name: `widget-${entityId.slice(0, 8)}` },
  };
}
