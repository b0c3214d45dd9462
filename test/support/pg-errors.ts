import assert from 'node:assert/strict';
import { QueryFailedError } from 'typeorm';

/** The machine's PostgreSQL (TEST_POSTGRES_URL, as in services.ts); specs that use it touch only the `postgres` database. */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

/** What a rejected promise rejected with; fails the test if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

/** As TypeORM reports an error raised by a query. */
export function asQueryFailed(driverError: unknown): QueryFailedError {
  return new QueryFailedError('INSERT INTO widgets ...', [], driverError as Error);
}
