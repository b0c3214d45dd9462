import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { errorBody } from '../http/error-body';

/** PostgreSQL's `integer`, the column type of an integer primary key. */
const INTEGER_RANGE = { min: -2_147_483_648, max: 2_147_483_647 } as const;
const DIGITS = /^-?\d+$/;

function invalidId(requirement: string): BadRequestException {
  return new BadRequestException(
    errorBody(400, 'Invalid fields: id', [{ field: 'id', errors: [`id must be ${requirement}`] }]),
  );
}

/**
 * The `:id` of an entity with a uuid key. A 400 that names `id`, like every other invalid input;
 * Nest's ParseUUIDPipe names nothing.
 */
@Injectable()
export class UuidIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUUID(value)) throw invalidId('a UUID');
    return value;
  }
}

/**
 * The `:id` of an entity with an integer key, in the column's range: Nest's ParseIntPipe passes any
 * integer on, and PostgreSQL's out-of-range error for `/tags/99999999999999999999` named no field.
 * Leading zeros are accepted (`/tags/01` is row 1, as the cache keys it).
 */
@Injectable()
export class IntegerIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = DIGITS.test(value) ? Number(value) : Number.NaN;
    if (!(id >= INTEGER_RANGE.min && id <= INTEGER_RANGE.max))
      throw invalidId(`an integer from ${INTEGER_RANGE.min} to ${INTEGER_RANGE.max}`);
    return id;
  }
}
