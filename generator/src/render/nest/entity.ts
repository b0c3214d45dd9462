import {
  type ColumnModel,
  type EntityModel,
  type IndexModel,
  isReadable,
  type Model,
  type RelationModel,
} from '../../model/types';
import { TYPE_MAP } from '../../type-map';
import { apsoFile, type Artifact, text } from '../artifact';
import { GENERATED_HEADER } from '../header';
import { ImportSet, jsDoc, objectLiteral, str } from '../imports';
import { entityPaths, importPath } from '../layout';
import { enumConstant, enumTypeName, literalSource } from './shared';

export const ENTITY_ARTIFACT: Artifact = {
  name: 'entity',
  files: ({ model }) =>
    model.entities.map((entity) => apsoFile(entityPaths(entity).entity, text(renderEntity(entity, model)))),
};

/**
 * The TypeORM entity: explicit table, column, index and constraint names, so migrations and code agree
 * by construction. It carries no OpenAPI decorators: what an answer looks like is the response class of
 * the DTO file, which leaves write-only and hidden fields out, so a route answering the entity class
 * cannot document (or be mistaken to answer) them.
 */
export function renderEntity(entity: EntityModel, model: Model): string {
  const file = entityPaths(entity).entity;
  const enumColumns = entity.columns.filter((column) => column.type === 'enum');
  const imports = new ImportSet([
    entity.names.className,
    ...enumColumns.flatMap((column) => [enumConstant(entity, column), enumTypeName(entity, column)]),
  ]);
  const members = [
    ...entity.columns.map((column) => renderColumnMember(column, entity, imports)),
    ...entity.relations.map((relation) => renderRelation(relation, entity, model, file, imports)),
  ];
  const indexes = entity.indexes.map((index) => renderIndex(index, imports));
  const classBlock = [
    jsDoc(entity.description),
    `@${imports.value('typeorm', 'Entity')}({ name: ${str(entity.table)} })`,
    ...indexes,
    `export class ${entity.names.className} {`,
    members.join('\n\n'),
    '}',
  ]
    .filter(Boolean)
    .join('\n');
  const enums = enumColumns.map((column) => renderEnumType(column, entity));
  return imports.file(GENERATED_HEADER, enums.join('\n\n'), classBlock);
}

function renderEnumType(column: ColumnModel, entity: EntityModel): string {
  const values = (column.enumValues ?? []).map(str).join(', ');
  return [
    `export const ${enumConstant(entity, column)} = [${values}] as const;`,
    `export type ${enumTypeName(entity, column)} = (typeof ${enumConstant(entity, column)})[number];`,
  ].join('\n');
}

function renderIndex(index: IndexModel, imports: ImportSet): string {
  const options = objectLiteral({
    unique: index.unique ? 'true' : undefined,
    where: index.where ? str(index.where) : undefined,
  });
  const properties = `[${index.properties.map(str).join(', ')}]`;
  return `@${imports.value('typeorm', 'Index')}(${str(index.name)}, ${properties}${options === '{}' ? '' : `, ${options}`})`;
}

function renderColumnMember(column: ColumnModel, entity: EntityModel, imports: ImportSet): string {
  return [
    jsDoc(column.description, '  '),
    `  ${columnDecorator(column, entity, imports)}`,
    `  ${column.property}!: ${propertyType(column, entity)};`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** The TypeScript type of a column's property, as the entity and the response class declare it. */
export function propertyType(
  column: ColumnModel,
  entity: EntityModel,
  enumType: string = enumTypeName(entity, column),
): string {
  const base = column.type === 'enum' ? enumType : column.role === 'version' ? 'number' : TYPE_MAP[column.type].ts;
  return column.nullable && base !== 'unknown' ? `${base} | null` : base;
}

function columnDecorator(column: ColumnModel, entity: EntityModel, imports: ImportSet): string {
  const typeorm = (name: string) => imports.value('typeorm', name);
  switch (column.role) {
    case 'primary':
      return column.type === 'uuid'
        ? `@${typeorm('PrimaryGeneratedColumn')}('uuid', { primaryKeyConstraintName: ${str(`${entity.table}_pkey`)} })`
        : `@${typeorm('PrimaryGeneratedColumn')}('identity', { generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: ${str(`${entity.table}_pkey`)} })`;
    case 'createdAt':
      return `@${typeorm('CreateDateColumn')}({ name: 'created_at', type: 'timestamptz' })`;
    case 'updatedAt':
      return `@${typeorm('UpdateDateColumn')}({ name: 'updated_at', type: 'timestamptz' })`;
    case 'deletedAt':
      return `@${typeorm('DeleteDateColumn')}({ name: 'deleted_at', type: 'timestamptz', nullable: true })`;
    case 'version':
      return `@${typeorm('VersionColumn')}({ name: 'version' })`;
    default:
      return `@${typeorm('Column')}(${columnOptions(column, entity)})`;
  }
}

function columnOptions(column: ColumnModel, entity: EntityModel): string {
  const isEnum = column.type === 'enum';
  return objectLiteral({
    name: str(column.column),
    type: str(TYPE_MAP[column.type].columnType),
    enum: isEnum ? enumConstant(entity, column) : undefined,
    enumName: isEnum ? str(column.enumName!) : undefined,
    length: column.length !== undefined ? String(column.length) : undefined,
    precision: column.precision !== undefined ? String(column.precision) : undefined,
    scale: column.scale !== undefined ? String(column.scale) : undefined,
    nullable: column.nullable ? 'true' : undefined,
    default: defaultOption(column),
    // Write-only and hidden columns are not loaded by any read that does not ask for them by name
    // (addSelect), user code's repository.find() included: what is never loaded cannot be answered.
    select: isReadable(column) ? undefined : 'false',
  });
}

function defaultOption(column: ColumnModel): string | undefined {
  if (!column.default) return undefined;
  if (column.default.kind === 'sql') return `() => ${str(column.default.sql)}`;
  const { value } = column.default;
  // TypeORM writes object defaults as SQL text; JSON defaults are kept as the database expression.
  if (value !== null && typeof value === 'object')
    return `() => ${str(`'${JSON.stringify(value).replace(/'/g, "''")}'`)}`;
  return literalSource(value);
}

function renderRelation(
  relation: RelationModel,
  entity: EntityModel,
  model: Model,
  file: string,
  imports: ImportSet,
): string {
  const target = model.entities.find((candidate) => candidate.names.className === relation.target)!;
  const targetClass =
    target === entity
      ? entity.names.className
      : imports.value(importPath(file, entityPaths(target).entity), target.names.className);
  // The inverse property by name, checked by the compiler: TypeORM's other form, a second arrow
  // function, is printed differently by prettier and by Biome, which formats apso's output.
  const inverse = relation.inverse ? `, ${str(relation.inverse)} satisfies keyof ${targetClass}` : '';
  const options = objectLiteral({
    nullable: relation.joinColumn ? String(relation.nullable) : undefined,
    onDelete: relation.joinColumn ? str(relation.onDelete) : undefined,
  });
  const many = relation.kind === 'OneToMany' || relation.kind === 'ManyToMany';
  const lines = [
    `  @${imports.value('typeorm', relation.kind)}(() => ${targetClass}${inverse}${options === '{}' ? '' : `, ${options}`})`,
  ];
  if (relation.joinColumn) {
    lines.push(
      `  @${imports.value('typeorm', 'JoinColumn')}({ name: ${str(relation.joinColumn.column)}, foreignKeyConstraintName: ${str(relation.joinColumn.constraint)} })`,
    );
  }
  if (relation.joinTable) {
    const table = relation.joinTable;
    lines.push(
      `  @${imports.value('typeorm', 'JoinTable')}(${objectLiteral({
        name: str(table.name),
        joinColumn: `{ name: ${str(table.joinColumn)}, referencedColumnName: 'id', foreignKeyConstraintName: ${str(table.joinConstraint)} }`,
        inverseJoinColumn: `{ name: ${str(table.inverseJoinColumn)}, referencedColumnName: 'id', foreignKeyConstraintName: ${str(table.inverseJoinConstraint)} }`,
      })})`,
    );
  }
  lines.push(`  ${relation.property}?: ${targetClass}${many ? '[]' : relation.nullable ? ' | null' : ''};`);
  if (relation.idsProperty && relation.joinTable) lines.push('', renderIdsMember(relation.idsProperty, relation));
  return lines.join('\n');
}

/** `tagIds`: not a column; every read sets it from the join table, as a client writes it. */
function renderIdsMember(idsProperty: string, relation: RelationModel): string {
  return `  ${idsProperty}?: ${relation.joinTable!.targetKeyType === 'uuid' ? 'string' : 'number'}[];`;
}
