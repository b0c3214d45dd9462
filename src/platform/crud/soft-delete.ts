import { NotFoundException } from '@nestjs/common';
import { ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';

/**
 * Narrows a list query to the soft-deleted rows. Called after the filter joined its relations, which
 * then still leave out soft-deleted targets (TypeORM adds that to a join's condition when it is made),
 * as they do in the list of live rows.
 */
export function onlyDeleted<E extends ObjectLiteral>(rows: SelectQueryBuilder<E>, alias: string): void {
  const column = rows.expressionMap.mainAlias!.metadata.deleteDateColumn;
  if (column === undefined) throw new Error(`${alias} has no delete date column to list deleted rows by`);
  rows.withDeleted().andWhere(`${rows.escape(alias)}.${rows.escape(column.databaseName)} IS NOT NULL`);
}

/**
 * Clears the delete mark of a soft-deleted row, inside the caller's transaction. The row is locked
 * first, so two restores (or a restore and a delete) of one row run one after the other. A row that
 * does not exist or is not deleted is a 404: there is no deleted row to restore. A unique value
 * another live row took meanwhile makes the database refuse (partial unique indexes cover live rows
 * only), which the caller answers as 409 already-exists. `scope` confines the row to the caller's (row-scope.ts).
 */
export async function restoreDeleted<E extends ObjectLiteral>(
  repository: Repository<E>,
  id: string | number,
  scope: Readonly<Record<string, string>> = {},
) {
  const deletedAt = repository.metadata.deleteDateColumn?.propertyName;
  const entity = repository.metadata.targetName;
  if (deletedAt === undefined) throw new Error(`${entity} is not soft-deleted`);
  const row = await repository.findOne({
    where: { id, ...scope } as never,
    withDeleted: true,
    lock: { mode: 'pessimistic_write' },
  });
  if (row === null || row[deletedAt] === null) throw new NotFoundException(`No deleted ${entity} ${id}`);
  await repository.restore({ id } as never);
}
