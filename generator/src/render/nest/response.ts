import { mayReadThrough } from '../../model/access';
import { type EntityModel, isReadable, type Model, type RelationModel } from '../../model/types';
import { type ImportSet, jsDoc, objectLiteral, str } from '../imports';
import { entityPaths, importPath } from '../layout';
import { propertyType } from './entity';
import { apiPropertyDecorator, enumConstant, enumTypeName } from './shared';

/** `TaskResponse`: the class every answer of an entity is documented (and typed) as. */
export function responseName(entity: EntityModel): string {
  return `${entity.names.className}Response`;
}

/**
 * What a read or a write of the entity answers with, apart from the TypeORM entity: the readable
 * columns (write-only and hidden fields are left out), the embeddable relations as their targets'
 * response classes, and the owned many-to-many id sets. Named after the entity in the OpenAPI
 * document (`Task`), as the entity was before it had a class of its own, so clients keep their type names.
 * A new route that answers this class documents only what the platform's projection answers.
 */
export function renderResponse(model: Model, entity: EntityModel, imports: ImportSet): string {
  const file = entityPaths(entity).dto;
  const entityImport = importPath(file, entityPaths(entity).entity);
  const swagger = imports.values('@nestjs/swagger', 'ApiSchema');
  const members = entity.columns.filter(isReadable).map((column) => {
    const enumValues = column.type === 'enum' ? imports.value(entityImport, enumConstant(entity, column)) : undefined;
    const enumType = column.type === 'enum' ? imports.type(entityImport, enumTypeName(entity, column)) : undefined;
    const type = propertyType(column, entity, enumType);
    return [
      jsDoc(column.description, '  '),
      `  ${apiPropertyDecorator(column, imports, file, 'response', enumValues)}`,
      `  ${column.property}!: ${type};`,
    ]
      .filter(Boolean)
      .join('\n');
  });
  for (const relation of entity.relations) {
    const target = model.entities.find((candidate) => candidate.names.className === relation.target);
    if (!target) continue;
    // A target whose own rules are stricter than this entity's reads is never embedded (model/access.ts).
    if (mayReadThrough(entity, target)) members.push(renderEmbedded(relation, entity, target, imports, file));
    if (relation.idsProperty && relation.joinTable) members.push(renderIds(relation, imports));
  }
  const schema = objectLiteral({
    name: str(entity.names.className),
    description: entity.description ? str(entity.description) : undefined,
  });
  return [
    `/** What every answer of ${entity.names.route} carries: the readable properties, never a write-only or hidden field. */`,
    `@${swagger.ApiSchema}(${schema})`,
    `export class ${responseName(entity)} {`,
    members.join('\n\n'),
    '}',
  ].join('\n');
}

/** A relation `include` may embed, typed as the target's response class: an embedded row leaks nothing either. */
function renderEmbedded(
  relation: RelationModel,
  entity: EntityModel,
  target: EntityModel,
  imports: ImportSet,
  file: string,
): string {
  const targetClass =
    target === entity
      ? responseName(entity)
      : imports.value(importPath(file, entityPaths(target).dto), responseName(target));
  const many = relation.kind === 'OneToMany' || relation.kind === 'ManyToMany';
  const embedded = objectLiteral({
    type: `() => ${targetClass}`,
    isArray: many ? 'true' : undefined,
    nullable: !many && (relation.nullable || !relation.owner) ? 'true' : undefined,
    description: str(
      many
        ? `Embedded with include=${relation.property}: at most the first 20 by id.`
        : `Embedded with include=${relation.property}${relation.nullable || !relation.owner ? '; null when there is none' : ''}.`,
    ),
  });
  return [
    `  @${imports.value('@nestjs/swagger', 'ApiPropertyOptional')}(${embedded})`,
    `  ${relation.property}?: ${targetClass}${many ? '[]' : relation.nullable ? ' | null' : ''};`,
  ].join('\n');
}

/** `tagIds`: every read sets it from the join table, as a client writes it. */
function renderIds(relation: RelationModel, imports: ImportSet): string {
  const uuid = relation.joinTable!.targetKeyType === 'uuid';
  const item = uuid ? `{ type: 'string', format: 'uuid' }` : `{ type: 'integer', format: 'int32' }`;
  return [
    `  @${imports.value('@nestjs/swagger', 'ApiProperty')}({ type: 'array', items: ${item}, description: ${str(`Ids of the related ${relation.property}, in id order.`)} })`,
    `  ${relation.idsProperty}?: ${uuid ? 'string' : 'number'}[];`,
  ].join('\n');
}
