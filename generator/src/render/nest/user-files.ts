import type { EntityModel } from '../../model/types';
import { entityPaths, importPath, platformImport } from '../../plan/paths';
import { ImportSet, joinBlocks, str } from '../imports';
import { importEntityClass } from './shared';

/*
 * Files created once and then owned by the user: the generation gap. They extend the generated
 * bases, so a schema change never touches them, and nothing here lists schema facts that could go stale.
 */

export function renderUserService(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const { className } = entity.names;
  const imports = new ImportSet()
    .add('@nestjs/common', 'Injectable')
    .add(importPath(paths.service, paths.serviceBase), `${className}ServiceBase`);
  return joinBlocks(
    imports.render(),
    [
      `/** Your ${className} service: add business logic here. apso created this file once and will not touch it again. */`,
      '@Injectable()',
      `export class ${className}Service extends ${className}ServiceBase {}`,
    ].join('\n'),
  );
}

export function renderUserController(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const { className, route } = entity.names;
  const imports = new ImportSet()
    .add('@nestjs/common', 'Controller')
    .add('@nestjs/swagger', 'ApiTags')
    .add(importPath(paths.controller, paths.controllerBase), `${className}ControllerBase`)
    .add(importPath(paths.controller, paths.service), `${className}Service`);
  return joinBlocks(
    imports.render(),
    [
      `/** Your ${className} routes: override or add handlers here. apso created this file once and will not touch it again. */`,
      `@ApiTags(${str(route)})`,
      `@Controller(${str(route)})`,
      `export class ${className}Controller extends ${className}ControllerBase {`,
      `  constructor(service: ${className}Service) {`,
      '    super(service);',
      '  }',
      '}',
    ].join('\n'),
  );
}

export function renderUserModule(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const { className } = entity.names;
  const file = paths.module;
  const imports = new ImportSet()
    .add('@nestjs/common', 'Module')
    .add('@nestjs/typeorm', 'TypeOrmModule')
    .add(platformImport(file, 'database/connections'), 'REPLICA')
    .add(importPath(file, paths.controller), `${className}Controller`)
    .add(importPath(file, paths.service), `${className}Service`);
  const entityClass = importEntityClass(imports, importPath(file, paths.entity), className);
  return joinBlocks(
    imports.render(),
    [
      `/** The ${className} feature: writes through the primary connection, reads through the replica. */`,
      '@Module({',
      `  imports: [TypeOrmModule.forFeature([${entityClass}]), TypeOrmModule.forFeature([${entityClass}], REPLICA)],`,
      `  controllers: [${className}Controller],`,
      `  providers: [${className}Service],`,
      `  exports: [${className}Service],`,
      '})',
      `export class ${className}Module {}`,
    ].join('\n'),
  );
}
