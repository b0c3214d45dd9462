import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig, authKeys } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { AccessGuard } from './access.guard';
import { ClaimsContextInterceptor } from './principal';
import { AuthSettings, TokenVerifier } from './token-verifier';

/**
 * Authentication, for a schema with `auth` (src/generated/auth.ts imports it into the app). The guard
 * is global: every route of the app, the platform's included, passes it; the platform's own routes
 * are marked public. An app whose schema asks for authentication refuses to start without keys (authKeys).
 */
@Module({})
export class AuthModule {
  static forRoot(settings: AuthSettings): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        {
          provide: TokenVerifier,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => new TokenVerifier(settings, authKeys(config.auth, settings)),
        },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: ClaimsContextInterceptor },
      ],
    };
  }
}
