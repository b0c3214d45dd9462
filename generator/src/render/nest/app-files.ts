import type { Model } from '../../model/types';
import { APP_PATHS, entityPaths, importPath, platformImport } from '../../plan/paths';
import { GENERATED_HEADER } from '../header';
import { ImportSet, joinBlocks } from '../imports';
import { migrationClassName, migrationFileName } from '../sql/migration';

/* Lists that come from the schema live in generated files; the user-owned app module only points at them. */

export function renderEntitiesList(model: Model): string {
  const file = APP_PATHS.entities;
  const imports = new ImportSet();
  for (const entity of model.entities)
    imports.add(importPath(file, entityPaths(entity).entity), entity.names.className);
  const names = model.entities.map((entity) => entity.names.className);
  return joinBlocks(
    GENERATED_HEADER,
    imports.render(),
    `/** Every entity, registered on both the primary and the replica connection. */\nexport const ENTITIES = [${names.join(', ')}];`,
  );
}

export function renderModulesList(model: Model): string {
  const file = APP_PATHS.modules;
  const imports = new ImportSet();
  for (const entity of model.entities)
    imports.add(importPath(file, entityPaths(entity).module), `${entity.names.className}Module`);
  const names = model.entities.map((entity) => `${entity.names.className}Module`);
  return joinBlocks(
    GENERATED_HEADER,
    imports.render(),
    `/** One feature module per entity. */\nexport const ENTITY_MODULES = [${names.join(', ')}];`,
  );
}

export function renderMigrationsList(sequences: readonly number[]): string {
  const file = APP_PATHS.migrations;
  const imports = new ImportSet();
  for (const sequence of sequences) {
    imports.add(
      importPath(file, `${APP_PATHS.migrationsDir}/${migrationFileName(sequence)}`),
      migrationClassName(sequence),
    );
  }
  const names = sequences.map(migrationClassName);
  return joinBlocks(
    GENERATED_HEADER,
    imports.render(),
    `/** Every schema migration, oldest first. */\nexport const MIGRATIONS = [${names.join(', ')}];`,
  );
}

export function renderAppModule(): string {
  const file = APP_PATHS.appModule;
  const imports = new ImportSet()
    .add('@nestjs/common', 'Module')
    .add(importPath(file, APP_PATHS.entities), 'ENTITIES')
    .add(importPath(file, APP_PATHS.migrations), 'MIGRATIONS')
    .add(importPath(file, APP_PATHS.modules), 'ENTITY_MODULES')
    .add(platformImport(file, 'platform.module'), 'PlatformModule');
  return joinBlocks(
    imports.render(),
    [
      '/** The application: the platform (config, database, cache, metrics, health) and one module per entity. */',
      '@Module({',
      '  imports: [PlatformModule.forRoot({ entities: ENTITIES, migrations: MIGRATIONS }), ...ENTITY_MODULES],',
      '})',
      'export class AppModule {}',
    ].join('\n'),
  );
}

export function renderMain(): string {
  const file = APP_PATHS.main;
  const imports = new ImportSet()
    .add(importPath(file, APP_PATHS.appModule), 'AppModule')
    .add(platformImport(file, 'bootstrap'), 'bootstrap');
  return joinBlocks(imports.render(), 'void bootstrap(AppModule);');
}

export function renderMigrate(): string {
  const file = APP_PATHS.migrate;
  const imports = new ImportSet()
    .add(importPath(file, APP_PATHS.entities), 'ENTITIES')
    .add(importPath(file, APP_PATHS.migrations), 'MIGRATIONS')
    .add(platformImport(file, 'database/migrate'), 'runMigrations');
  return joinBlocks(
    imports.render(),
    '/** `npm run migrate`: applies pending migrations on the primary, then exits. */\nvoid runMigrations({ entities: ENTITIES, migrations: MIGRATIONS });',
  );
}
