import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CacheCircuit } from './cache/cache-circuit';
import { CacheFreshness } from './cache/cache-freshness';
import { CacheKeys } from './cache/cache-keys';
import { EntityCache } from './cache/entity-cache';
import { InvalidationOutbox } from './cache/invalidation-outbox';
import { InvalidationRelay } from './cache/invalidation-relay';
import { RedisCacheModule } from './cache/redis-cache.module';
import { AppConfig } from './config/config';
import { APP_CONFIG, AppConfigModule } from './config/config.module';
import { StripUnreadableColumns } from './crud/readable';
import { DatabaseModule } from './database/database.module';
import { DatabaseSchema } from './database/database-schema';
import { ReplicaReads } from './database/replica-reads';
import { HealthModule } from './health/health.module';
import { EntityTagInterceptor } from './http/conditional-requests';
import { ApsoExceptionFilter } from './http/exception.filter';
import { createValidationPipe } from './http/validation';
import { MetricsModule } from './metrics/metrics.module';

/**
 * Everything an apso app runs on, imported once by the AppModule. Global, so generated entity modules
 * get EntityCache, CacheKeys, the cache circuit, the replica reads, the cache manager, the metrics and both TypeORM connections without importing it.
 * The exception filter, validation pipe and interceptors (entity tags, the strip of unreadable columns) are registered here (not in bootstrap) so they also apply
 * to apps built with Nest's testing module.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(schema: DatabaseSchema): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [AppConfigModule, DatabaseModule.forRoot(schema), RedisCacheModule, MetricsModule, HealthModule],
      providers: [
        {
          provide: CacheKeys,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => new CacheKeys(config.cacheNamespace),
        },
        CacheCircuit,
        CacheFreshness,
        InvalidationOutbox,
        EntityCache,
        InvalidationRelay,
        ReplicaReads,
        { provide: APP_FILTER, useClass: ApsoExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: EntityTagInterceptor },
        // After (so inside) the entity tag interceptor: the ETag is that of the body the client gets.
        { provide: APP_INTERCEPTOR, useClass: StripUnreadableColumns },
      ],
      exports: [
        AppConfigModule,
        MetricsModule,
        HealthModule,
        CacheKeys,
        CacheCircuit,
        CacheFreshness,
        EntityCache,
        ReplicaReads,
      ],
    };
  }
}
