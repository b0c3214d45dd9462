import { ValidateIf } from 'class-validator';

/**
 * A property that may be left out but, when present, must be a real value: unlike `@IsOptional()`,
 * `null` still fails the other validators. Used for NOT NULL columns that have a database default.
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
