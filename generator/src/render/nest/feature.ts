import type { EntityModel } from '../../model/types';
import { apsoFile, type Artifact, text } from '../artifact';
import { GENERATED_HEADER } from '../header';
import { ImportSet } from '../imports';
import { entityPaths, importPath, platformImport } from '../layout';
import { resourceConstant, serviceContextName } from './crud';

/**
 * The platform wiring of each entity, in a file apso owns. The user-owned module only imports the
 * feature module, and the user-owned service and controller declare no constructor, so a later apso
 * can change the connections, the repositories or what the bases inject without touching them.
 */
export const FEATURE_ARTIFACT: Artifact = {
  name: 'feature',
  files: ({ model }) =>
    model.entities.map((entity) => apsoFile(entityPaths(entity).feature, text(renderFeature(entity)))),
};

export function featureModuleName(entity: EntityModel): string {
  return `${entity.names.className}FeatureModule`;
}

export function renderFeature(entity: EntityModel): string {
  const paths = entityPaths(entity);
  const file = paths.feature;
  const context = serviceContextName(entity);
  const imports = new ImportSet([context, featureModuleName(entity)]);
  const nest = imports.values('@nestjs/common', 'Injectable', 'Module');
  const typeorm = imports.values('@nestjs/typeorm', 'InjectRepository', 'TypeOrmModule');
  const repository = imports.type('typeorm', 'Repository');
  const replica = imports.value(platformImport(file, 'database/connections'), 'REPLICA');
  const entityClass = imports.value(importPath(file, paths.entity), entity.names.className);
  const contextBlock = [
    `/** Everything ${entity.names.className}ServiceBase works with, injected as its one dependency. */`,
    `@${nest.Injectable}()`,
    `export class ${context} implements ${imports.type(platformImport(file, 'crud/entity.service'), 'EntityServiceContext')}<${entityClass}> {`,
    `  readonly resource = ${imports.value(importPath(file, paths.resource), resourceConstant(entity))};`,
    '',
    '  constructor(',
    `    @${typeorm.InjectRepository}(${entityClass}) readonly writer: ${repository}<${entityClass}>,`,
    `    @${typeorm.InjectRepository}(${entityClass}, ${replica}) readonly reader: ${repository}<${entityClass}>,`,
    `    readonly reads: ${imports.value(platformImport(file, 'database/replica-reads'), 'ReplicaReads')},`,
    `    readonly cache: ${imports.value(platformImport(file, 'cache/entity-cache'), 'EntityCache')},`,
    '  ) {}',
    '}',
  ].join('\n');
  const moduleBlock = [
    `/** Writes go through the primary connection, reads through the replica; ${entity.names.className}Module imports this. */`,
    `@${nest.Module}({`,
    `  imports: [${typeorm.TypeOrmModule}.forFeature([${entityClass}]), ${typeorm.TypeOrmModule}.forFeature([${entityClass}], ${replica})],`,
    `  providers: [${context}],`,
    `  exports: [${context}],`,
    '})',
    `export class ${featureModuleName(entity)} {}`,
  ].join('\n');
  return imports.file(GENERATED_HEADER, contextBlock, moduleBlock);
}
