import type { ColumnModel, EntityModel, IndexModel, JoinTableModel, Model } from '../model/types';
import { sqlType } from '../type-map';
import { type PlatformTable, platformTablesOf } from './platform-tables';
import { sqlLiteral } from './sql';
import {
  type ColumnState,
  type DatabaseState,
  type ForeignKeyState,
  type IndexState,
  type ReferentialAction,
  STATE_VERSION,
} from './state-shape';

export * from './state-shape';

export const EMPTY_STATE: DatabaseState = {
  version: STATE_VERSION,
  enums: {},
  tables: {},
  indexes: {},
  foreignKeys: {},
};

/** The database the model's entities need, with the platform's own tables beside them. */
export function databaseState(
  model: Model,
  platformTables: readonly PlatformTable[] = platformTablesOf(model),
): DatabaseState {
  const state: DatabaseState = { version: STATE_VERSION, enums: {}, tables: {}, indexes: {}, foreignKeys: {} };
  for (const entity of model.entities) addEntity(state, entity, model);
  for (const table of platformTables) addPlatformTable(state, table);
  return state;
}

function addEntity(state: DatabaseState, entity: EntityModel, model: Model): void {
  for (const column of entity.columns.filter((candidate) => candidate.type === 'enum')) {
    state.enums[column.enumName!] = [...(column.enumValues ?? [])];
  }
  state.tables[entity.table] = {
    owner: 'schema',
    columns: entity.columns.map(columnState),
    primaryKey: { name: `${entity.table}_pkey`, columns: ['id'] },
  };
  for (const index of entity.indexes) state.indexes[index.name] = indexState(entity.table, index);
  for (const relation of entity.relations) {
    if (relation.joinColumn) {
      const target = model.entities.find((candidate) => candidate.names.className === relation.target)!;
      state.foreignKeys[relation.joinColumn.constraint] = foreignKey(
        entity.table,
        relation.joinColumn.column,
        target.table,
        relation.onDelete,
      );
    }
    if (relation.joinTable) addJoinTable(state, relation.joinTable);
  }
}

function addJoinTable(state: DatabaseState, join: JoinTableModel): void {
  const keyColumn = (name: string, type: 'uuid' | 'integer'): ColumnState => ({ name, type, nullable: false });
  state.tables[join.name] = {
    owner: 'schema',
    columns: [keyColumn(join.joinColumn, join.ownerKeyType), keyColumn(join.inverseJoinColumn, join.targetKeyType)],
    primaryKey: { name: `${join.name}_pkey`, columns: [join.joinColumn, join.inverseJoinColumn] },
  };
  // The primary key serves lookups by the owner; the other direction needs its own index.
  state.indexes[`${join.name}_${join.inverseJoinColumn}_idx`] = {
    table: join.name,
    columns: [join.inverseJoinColumn],
    unique: false,
    method: 'btree',
  };
  state.foreignKeys[join.joinConstraint] = foreignKey(join.name, join.joinColumn, join.ownerTable, 'CASCADE');
  state.foreignKeys[join.inverseJoinConstraint] = foreignKey(
    join.name,
    join.inverseJoinColumn,
    join.targetTable,
    'CASCADE',
  );
}

/** A platform table enters the state like an entity's; sharing a name with anything already there is a bug in apso. */
function addPlatformTable(state: DatabaseState, table: PlatformTable): void {
  const clash = (kind: string, name: string) =>
    new Error(`the platform table "${table.name}" declares the ${kind} "${name}", which the schema already has`);
  if (state.tables[table.name]) throw clash('table', table.name);
  state.tables[table.name] = { owner: 'platform', columns: table.columns, primaryKey: table.primaryKey };
  for (const [name, index] of Object.entries(table.indexes ?? {})) {
    if (state.indexes[name]) throw clash('index', name);
    state.indexes[name] = { ...index, table: table.name };
  }
  for (const [name, constraint] of Object.entries(table.foreignKeys ?? {})) {
    if (state.foreignKeys[name]) throw clash('foreign key', name);
    state.foreignKeys[name] = { ...constraint, table: table.name };
  }
}

function columnState(column: ColumnModel): ColumnState {
  const { column: name } = column;
  switch (column.role) {
    case 'primary':
      return column.type === 'uuid'
        ? { name, type: 'uuid', nullable: false, default: 'gen_random_uuid()' }
        : { name, type: 'integer', nullable: false, identity: 'by default' };
    case 'createdAt':
    case 'updatedAt':
      return { name, type: 'timestamptz', nullable: false, default: 'now()' };
    case 'deletedAt':
      return { name, type: 'timestamptz', nullable: true };
    case 'version':
      return { name, type: 'integer', nullable: false };
    default: {
      const fallback = defaultExpression(column);
      return {
        name,
        type: sqlType(column),
        nullable: column.nullable,
        ...(fallback !== undefined && { default: fallback }),
      };
    }
  }
}

function defaultExpression(column: ColumnModel): string | undefined {
  const fallback = column.default;
  if (!fallback) return undefined;
  if (fallback.kind === 'sql') return fallback.sql;
  const { value } = fallback;
  if (value === null) return 'NULL';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'object') return `${sqlLiteral(JSON.stringify(value))}::${column.type}`;
  return sqlLiteral(value);
}

function indexState(table: string, index: IndexModel): IndexState {
  return {
    table,
    columns: index.columns,
    unique: index.unique,
    method: 'btree',
    ...(index.where !== undefined && { where: index.where }),
  };
}

function foreignKey(table: string, column: string, target: string, onDelete: ReferentialAction): ForeignKeyState {
  return {
    table,
    columns: [column],
    references: { table: target, columns: ['id'] },
    onDelete,
    onUpdate: 'NO ACTION',
  };
}
