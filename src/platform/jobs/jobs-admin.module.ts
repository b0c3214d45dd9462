import { type DynamicModule, Module } from '@nestjs/common';
import type { JobsConfig } from './jobs-config';

/** TEMP placeholder until the runtime helpers' module lands: registers nothing. */
@Module({})
export class JobsAdminModule {
  static forRoot(_config: JobsConfig): DynamicModule {
    return { module: JobsAdminModule };
  }
}
