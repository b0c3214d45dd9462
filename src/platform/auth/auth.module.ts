import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig, authKeys } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ConfigError } from '../config/config-error';
import { AccessGuard } from './access.guard';
import { ApiKeyStore } from './api-key-store';
import { ClaimsContextInterceptor } from './principal';
import { AUTH_SETTINGS, AuthSettings, TokenVerifier } from './token-verifier';

/**
 * Authentication, for a schema with `auth` (src/generated/auth.ts imports it into the app). The guard
 * is global: every route of the app, the platform's included, passes it; the platform's own routes
 * are marked public. An app whose schema asks for authentication refuses to start without keys
 * (authKeys), and one whose schema accepts API keys without their file, or with a file it cannot read whole.
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
        { provide: AUTH_SETTINGS, useValue: settings },
        ...(settings.apiKey ? [apiKeyStoreProvider()] : []),
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: ClaimsContextInterceptor },
      ],
      // The OpenAPI document (http/openapi.ts) reads the settings to declare the API key scheme.
      exports: [AUTH_SETTINGS],
    };
  }
}

/** Read at start: a bad file stops the app naming the entry, rather than refusing every key later. */
function apiKeyStoreProvider() {
  return {
    provide: ApiKeyStore,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => {
      if (config.apiKeysFile === undefined) {
        throw new ConfigError(['AUTH_API_KEYS_FILE is required: the schema accepts API keys (docs/auth.md#api-keys)']);
      }
      return ApiKeyStore.fromFile(config.apiKeysFile);
    },
  };
}
