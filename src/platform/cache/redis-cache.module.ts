import { CacheModule } from '@nestjs/cache-manager';
import { AppConfig } from '../config/config';
import { APP_CONFIG, AppConfigModule } from '../config/config.module';
import { createRedisStore } from './redis-store';

/** Nest's CACHE_MANAGER (global) backed by Redis; its connection closes with the app. */
export const RedisCacheModule = CacheModule.registerAsync({
  isGlobal: true,
  imports: [AppConfigModule],
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig) => ({ stores: [await createRedisStore(config.redisUrl)] }),
});
