import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ConfigError } from '../config/config-error';
import { AccessGuard } from './access.guard';
import { ClaimsContextInterceptor } from './principal';
import { AuthSettings, TokenVerifier } from './token-verifier';

/**
 * Authentication, for a schema with `auth` (src/generated/auth.ts imports it into the app). The guard
 * is global: every route of the app, the platform's included, passes it; the platform's own routes
 * are marked public. An app whose schema asks for authentication refuses to start without keys.
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
          useFactory: (config: AppConfig) => {
            if (config.auth === null) {
              throw new ConfigError([
                'AUTH_JWT_SECRET or AUTH_JWKS_URL is required: the schema turns authentication on (docs/auth.md)',
              ]);
            }
            return new TokenVerifier(settings, config.auth);
          },
        },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: ClaimsContextInterceptor },
      ],
    };
  }
}
