import pluralize from 'pluralize';
import { parseText } from '../../generator/src/load/apsorc/parse';
import { pascalCase, snakeCase } from '../../generator/src/model/naming';
import type { EntityModel } from '../../generator/src/model/types';
import type { WireClient } from './crud-smoke';

/** The value a client sends back for a timestamp it read; the backend must not write it. */
export const ECHOED_TIMESTAMP = '2020-01-01T00:00:00.000Z';

interface ApsorcEntity {
  readonly route: string;
  /** Column → the field's name as the .apsorc writes it. */
  readonly fieldsByColumn: ReadonlyMap<string, string>;
  readonly echoed: Record<string, unknown>;
}

/**
 * A client written against the backend the APSO CLI generated from an .apsorc, derived from the file
 * alone (never from apso's model, which is what is under test): it calls `pluralize(name as written)`,
 * sends each field under its name as written, decimals as JSON numbers, and `created_at`/`updated_at`
 * wherever the entity declares them (as options or as fields), as a client echoing a row it read does.
 * Foreign keys are the APSO CLI's `<camelCase relation>Id`, which apso's model also uses.
 */
export function apsoCliClient(apsorcText: string): WireClient {
  const parsed = parseText(apsorcText);
  if (parsed.error !== undefined) throw new Error(parsed.error);
  const file = parsed.value as { entities: { name: string; fields?: { name: string }[]; [key: string]: unknown }[] };
  const entities = new Map<string, ApsorcEntity>();
  for (const raw of file.entities) {
    const fields = raw.fields ?? [];
    const declares = (name: string) => raw[name] === true || fields.some((field) => field.name === name);
    const echoed: Record<string, unknown> = {};
    for (const timestamp of ['created_at', 'updated_at']) {
      if (declares(timestamp)) echoed[timestamp] = ECHOED_TIMESTAMP;
    }
    entities.set(pascalCase(raw.name), {
      route: pluralize(raw.name),
      fieldsByColumn: new Map(fields.map((field) => [snakeCase(field.name), field.name])),
      echoed,
    });
  }
  const of = (entity: EntityModel): ApsorcEntity => {
    const found = entities.get(entity.names.className);
    if (!found) throw new Error(`${entity.names.className} is not an entity of the .apsorc`);
    return found;
  };
  return {
    route: (entity) => of(entity).route,
    property: (entity, column) => {
      if (column.role !== 'field') return column.property;
      const written = of(entity).fieldsByColumn.get(column.column);
      if (written === undefined)
        throw new Error(`${entity.names.className}.${column.column} is not a field of the .apsorc`);
      return written;
    },
    decimalsAsNumbers: true,
    echoed: (entity) => of(entity).echoed,
  };
}
