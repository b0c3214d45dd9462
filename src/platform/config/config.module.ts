import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './config';

/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
/** createApp() provides this so tests and embedders can pass a config instead of the environment. */
export const APP_CONFIG_OVERRIDE = Symbol('APP_CONFIG_OVERRIDE');

/** Holds the override; a module of its own so it can be global without exporting APP_CONFIG twice. */
@Module({})
class ConfigOverrideModule {}

@Global()
@Module({
  providers: [
    {
      provide: APP_CONFIG,
      inject: [{ token: APP_CONFIG_OVERRIDE, optional: true }],
      useFactory: (override?: AppConfig): AppConfig => override ?? loadConfig(),
    },
  ],
  exports: [APP_CONFIG],
})
export class AppConfigModule {
  /** A global module carrying an already loaded config; createApp() imports it next to the AppModule. */
  static withConfig(config: AppConfig): DynamicModule {
    return {
      module: ConfigOverrideModule,
      global: true,
      providers: [{ provide: APP_CONFIG_OVERRIDE, useValue: config }],
      exports: [APP_CONFIG_OVERRIDE],
    };
  }
}
