import type { EntityModel } from '../../model/types';
import { type Artifact, text, userFile } from '../artifact';
import { ImportSet, str } from '../imports';
import { entityPaths, importPath } from '../layout';
import { featureModuleName } from './feature';

/*
 * Files created once and then owned by the user: the generation gap. They extend the generated
 * bases and import the generated feature module, so a schema change never touches them, and nothing
 * here lists schema facts or platform wiring that could go stale: no repository, no connection, no
 * constructor parameter.
 */

export const USER_FILES_ARTIFACT: Artifact = {
  name: 'user-files',
  files: ({ model }) =>
    model.entities.flatMap((entity) => {
      const paths = entityPaths(entity);
      return [
        userFile(paths.service, text(renderUserService(entity))),
        userFile(paths.controller, text(renderUserController(entity))),
        userFile(paths.module, text(renderUserModule(entity))),
      ];
    }),
};

export function renderUserService(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const { className } = entity.names;
  const imports = new ImportSet([`${className}Service`]);
  const base = imports.value(importPath(paths.service, paths.serviceBase), `${className}ServiceBase`);
  return imports.file(
    undefined,
    [
      `/** Your ${className} service: add business logic here. apso created this file once and will not touch it again. */`,
      `@${imports.value('@nestjs/common', 'Injectable')}()`,
      `export class ${className}Service extends ${base} {}`,
    ].join('\n'),
  );
}

export function renderUserController(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const { className, route } = entity.names;
  const imports = new ImportSet([`${className}Controller`]);
  const base = imports.value(importPath(paths.controller, paths.controllerBase), `${className}ControllerBase`);
  return imports.file(
    undefined,
    [
      `/** Your ${className} routes: override or add handlers here (\`this.service\` is your ${className}Service). apso created this file once and will not touch it again. */`,
      `@${imports.value('@nestjs/swagger', 'ApiTags')}(${str(route)})`,
      `@${imports.value('@nestjs/common', 'Controller')}(${str(route)})`,
      `export class ${className}Controller extends ${base} {}`,
    ].join('\n'),
  );
}

export function renderUserModule(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const { className } = entity.names;
  const file = paths.module;
  const imports = new ImportSet([`${className}Module`]);
  const feature = imports.value(importPath(file, paths.feature), featureModuleName(entity));
  const controller = imports.value(importPath(file, paths.controller), `${className}Controller`);
  const service = imports.value(importPath(file, paths.service), `${className}Service`);
  return imports.file(
    undefined,
    [
      `/** The ${className} feature: your controller and service on apso's wiring (connections, repositories), which ${featureModuleName(entity)} brings. */`,
      `@${imports.value('@nestjs/common', 'Module')}({`,
      `  imports: [${feature}],`,
      `  controllers: [${controller}],`,
      `  providers: [${service}],`,
      `  exports: [${service}],`,
      '})',
      `export class ${className}Module {}`,
    ].join('\n'),
  );
}
