import { posix } from 'node:path';
import type { EntityModel } from '../model/types';

/** Where each generated file lives, relative to the project root. Emitters derive imports from these. */
export function entityPaths(entity: EntityModel) {
  const { kebab } = entity.names;
  const dir = `src/modules/${kebab}`;
  return {
    entity: `${dir}/generated/${kebab}.entity.ts`,
    resource: `${dir}/generated/${kebab}.resource.ts`,
    dto: `${dir}/generated/${kebab}.dto.ts`,
    serviceBase: `${dir}/generated/${kebab}.service.base.ts`,
    controllerBase: `${dir}/generated/${kebab}.controller.base.ts`,
    feature: `${dir}/generated/${kebab}.feature.ts`,
    service: `${dir}/${kebab}.service.ts`,
    controller: `${dir}/${kebab}.controller.ts`,
    module: `${dir}/${kebab}.module.ts`,
  };
}

export const APP_PATHS = {
  entities: 'src/generated/entities.ts',
  modules: 'src/generated/modules.ts',
  migrations: 'src/generated/migrations.ts',
  apiInfo: 'src/generated/api-info.ts',
  auth: 'src/generated/auth.ts',
  jobs: 'src/generated/jobs.ts',
  migrationsDir: 'src/migrations',
  appModule: 'src/app.module.ts',
  main: 'src/main.ts',
  worker: 'src/worker.ts',
  migrate: 'src/migrate.ts',
  platform: 'src/platform',
} as const;

/** The module specifier that `from` uses to import `to` (both project-relative .ts paths). */
export function importPath(from: string, to: string): string {
  const relative = posix.relative(posix.dirname(from), to.replace(/\.ts$/, ''));
  return relative.startsWith('.') ? relative : `./${relative}`;
}

export function platformImport(from: string, module: string): string {
  return importPath(from, `${APP_PATHS.platform}/${module}.ts`);
}
