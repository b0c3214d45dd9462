import { Transform } from 'class-transformer';
import { IsDate, isISO8601 } from 'class-validator';

/** Date and time with a UTC offset: without one, the instant would depend on the server's time zone. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether a value is an ISO 8601 timestamp with an offset, on a day that exists (not 2024-02-30). */
export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && TIMESTAMP.test(value) && isISO8601(value, { strict: true });
}

/**
 * A timestamp property: only an ISO 8601 string with an offset becomes a Date. Anything else, such as
 * `true`, `0` or `"1"` (which `new Date` would turn into 1970), is left as it is for IsDate to refuse.
 */
export function IsTimestamp(): PropertyDecorator {
  const toDate = Transform(({ value }: { value: unknown }) => (isTimestamp(value) ? new Date(value) : value));
  const isDate = IsDate({
    message: '$property must be an ISO 8601 timestamp with an offset, like 2024-01-31T09:30:00Z',
  });
  return (target, property) => {
    toDate(target, property);
    isDate(target, property);
  };
}
