import type { ColumnModel, EntityModel, IndexModel, Model, RelationModel } from '../../model/types';
import { TYPE_MAP } from '../../type-map';
import { apsoFile, type Artifact, text } from '../artifact';
import { GENERATED_HEADER } from '../header';
import { ImportSet, jsDoc, objectLiteral, str } from '../imports';
import { entityPaths, importPath } from '../layout';
import { apiPropertyDecorator, enumConstant, enumTypeName, literalSource } from './shared';

export const ENTITY_ARTIFACT: Artifact = {
  name: 'entity',
  files: ({ model }) =>
    model.entities.map((entity) => apsoFile(entityPaths(entity).entity, text(renderEntity(entity, model)))),
};

/** The TypeORM entity: explicit table, column, index and constraint names, so migrations and code agree by construction. */
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
    `  ${apiPropertyDecorator(column, imports, entityPaths(entity).entity, 'response', enumConstant(entity, column))}`,
    `  ${columnDecorator(column, entity, imports)}`,
    `  ${column.property}!: ${propertyType(column, entity)};`,
  ]
    .filter(Boolean)
    .join('\n');
}

function propertyType(column: ColumnModel, entity: EntityModel): string {
  const base =
    column.type === 'enum'
      ? enumTypeName(entity, column)
      : column.role === 'version'
        ? 'number'
        : TYPE_MAP[column.type].ts;
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
  const lines = [
    `  @${imports.value('@nestjs/swagger', 'ApiPropertyOptional')}(${embedded})`,
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
  if (relation.idsProperty && relation.joinTable)
    lines.push('', renderIdsMember(relation.idsProperty, relation, imports));
  return lines.join('\n');
}

/** `tagIds`: not a column; every read sets it from the join table, as a client writes it. */
function renderIdsMember(idsProperty: string, relation: RelationModel, imports: ImportSet): string {
  const uuid = relation.joinTable!.targetKeyType === 'uuid';
  const item = uuid ? `{ type: 'string', format: 'uuid' }` : `{ type: 'integer', format: 'int32' }`;
  return [
    `  @${imports.value('@nestjs/swagger', 'ApiProperty')}({ type: 'array', items: ${item}, description: ${str(`Ids of the related ${relation.property}, in id order.`)} })`,
    `  ${idsProperty}?: ${uuid ? 'string' : 'number'}[];`,
  ].join('\n');
}
