import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, isUUID, registerDecorator, ValidationArguments } from 'class-validator';
import { DeepPartial, In, Repository } from 'typeorm';
import { errorBody, FieldError, isErrorBody } from '../http/error-body';
import { ResourceDefinition } from './resource';
import { refuseForeignScope, ScopeCondition, scopeWhere } from './row-scope';
import { refuseUnreachableReferences } from './references';
import { entityChanges } from './write-input';

/**
 * The most items one bulk create or bulk delete takes. A batch is one transaction that holds its
 * row locks to commit, so it is kept to about a second: on a 2-core test machine, 1,000 creates of
 * the platform fixture's widgets took 0.85 to 1.1 s, 1,000 deletes 0.4 to 0.6 s (one statement per
 * item, which is what lets an error name the item). More is a 400 naming `data` or `ids` before
 * anything is written: send several batches, each all-or-nothing on its own.
 */
export const MAX_BATCH_ITEMS = 1000;

/** PostgreSQL's `integer`, the column type of an integer primary key. */
const INTEGER_RANGE = { min: -2_147_483_648, max: 2_147_483_647 } as const;

export type EntityId = string | number;

const ID_KINDS = {
  uuid: { valid: (id: unknown) => typeof id === 'string' && isUUID(id), requirement: 'a UUID' },
  integer: {
    valid: (id: unknown) =>
      Number.isInteger(id) && (id as number) >= INTEGER_RANGE.min && (id as number) <= INTEGER_RANGE.max,
    requirement: `an integer from ${INTEGER_RANGE.min} to ${INTEGER_RANGE.max}`,
  },
} as const;

/**
 * Every item of the array is an id of the key's type. The message names each bad item
 * (`ids[2] must be a UUID`), which class-validator's `{ each: true }` would not. A value that is not
 * an array is left to IsArray.
 */
function IsIdList(kind: keyof typeof ID_KINDS): PropertyDecorator {
  const { valid, requirement } = ID_KINDS[kind];
  const invalid = (value: unknown) =>
    Array.isArray(value) ? value.flatMap((id, index) => (valid(id) ? [] : [index])) : [];
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIdList',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => invalid(value).length === 0,
        defaultMessage: ({ value, property }: ValidationArguments) =>
          invalid(value)
            .map((index) => `${property}[${index}] must be ${requirement}`)
            .join('; '),
      },
    });
}

/** `{ "ids": [...] }`: the body of a bulk delete of an entity with uuid keys. */
export class BulkDeleteUuids {
  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'uuid' },
    minItems: 1,
    maxItems: MAX_BATCH_ITEMS,
    description: 'The ids of the rows to delete; all are deleted or none.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ITEMS)
  @IsIdList('uuid')
  ids!: string[];
}

/** `{ "ids": [...] }`: the body of a bulk delete of an entity with integer keys. */
export class BulkDeleteIntegers {
  @ApiProperty({
    type: 'array',
    items: { type: 'integer', format: 'int32' },
    minItems: 1,
    maxItems: MAX_BATCH_ITEMS,
    description: 'The ids of the rows to delete; all are deleted or none.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ITEMS)
  @IsIdList('integer')
  ids!: number[];
}

/** Turns a database error into the client error it is (EntityService.inApiTerms), or returns it as is. */
export type ErrorTranslation = (error: unknown) => unknown;

/**
 * The error of one item of a batch, named by its path (`data[3]`): its fields become `data[3].title`,
 * and an error that names no field is reported on the item itself. Errors that are not the client's
 * (a 500, the database being down) pass unchanged.
 */
export function itemError(path: string, error: unknown): unknown {
  if (!(error instanceof HttpException)) return error;
  const response = error.getResponse();
  const status = error.getStatus();
  if (!isErrorBody(response)) return error;
  const fields: FieldError[] = response.fields
    ? response.fields.map(({ field, errors }) => ({ field: `${path}.${field}`, errors }))
    : [{ field: path, errors: [response.detail] }];
  const detail = `${path}: ${response.detail}`;
  return new HttpException({ ...response, detail, message: detail, fields }, status);
}

/**
 * Inserts the items one by one, in order, inside the caller's transaction, so that the first failing
 * item (a unique value taken, also by an earlier item of the batch; a missing or soft-deleted
 * reference) is the one the error names; the transaction then rolls back and nothing is written.
 * Returns the rows as findOne() loads them, in input order.
 */
export async function insertEach<E extends { id: EntityId }>(
  repository: Repository<E>,
  resource: ResourceDefinition,
  items: readonly object[],
  translate: ErrorTranslation,
  scope?: ScopeCondition,
): Promise<E[]> {
  const ids: EntityId[] = [];
  for (const [index, item] of items.entries()) {
    try {
      refuseForeignScope(item, scope);
      const changes = { ...entityChanges(resource, item, 'create'), ...scopeWhere(scope) };
      await refuseUnreachableReferences(repository, resource, changes);
      const saved = await repository.save(repository.create(changes as DeepPartial<E>));
      ids.push(saved.id);
    } catch (error) {
      throw itemError(`data[${index}]`, translate(error));
    }
  }
  return inOrder(ids, await repository.findBy({ id: In(ids) } as never));
}

/** `rows` (in any order) in the order of `ids`. */
function inOrder<E extends { id: EntityId }>(ids: readonly EntityId[], rows: readonly E[]): E[] {
  const byId = new Map(rows.map((row) => [String(row.id), row]));
  return ids.map((id) => byId.get(String(id))!);
}

/** A 400 naming the second occurrence of an id sent twice: the client's list is wrong, so nothing is guessed. */
export function refuseDuplicateIds(ids: readonly EntityId[]): void {
  const seen = new Map<string, number>();
  for (const [index, id] of ids.entries()) {
    const first = seen.get(String(id));
    if (first !== undefined) {
      const message = `ids[${index}] repeats ids[${first}]`;
      throw new BadRequestException(errorBody(400, message, [{ field: `ids[${index}]`, errors: [message] }]));
    }
    seen.set(String(id), index);
  }
}

/**
 * Deletes the rows inside the caller's transaction, all or none. They are locked first (as a single
 * delete locks its row), so a row another transaction deletes meanwhile is reported missing rather
 * than deleted twice; every missing id (never created, already deleted, soft-deleted) is named in
 * one 404. A hard delete runs one statement per row, so a row still referenced (a RESTRICT foreign
 * key) is named; a row an earlier one already removed by cascade counts as deleted.
 */
export async function deleteEach<E extends { id: EntityId }>(
  repository: Repository<E>,
  resource: ResourceDefinition,
  ids: readonly EntityId[],
  translate: ErrorTranslation,
  scope?: ScopeCondition,
): Promise<void> {
  const entity = repository.metadata.targetName;
  // Another tenant's row is missing here, as in a single delete.
  const found = await repository.find({
    select: { id: true } as never,
    where: { id: In([...ids]), ...scopeWhere(scope) } as never,
    lock: { mode: 'pessimistic_write' },
  });
  const present = new Set(found.map((row) => String(row.id)));
  const missing: FieldError[] = ids.flatMap((id, index) =>
    present.has(String(id)) ? [] : [{ field: `ids[${index}]`, errors: [`${entity} ${id} not found`] }],
  );
  if (missing.length > 0) {
    const message = missing.map(({ field, errors }) => `${field}: ${errors[0]}`).join('; ');
    throw new NotFoundException(errorBody(404, message, missing));
  }
  // A soft delete changes no other row, so one statement cannot fail on one row more than another.
  if (resource.softDelete) {
    await repository.softDelete([...ids] as never);
    return;
  }
  for (const [index, id] of ids.entries()) {
    try {
      await repository.delete(id as never);
    } catch (error) {
      throw itemError(`ids[${index}]`, translate(error));
    }
  }
}
