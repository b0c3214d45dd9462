import { BadRequestException, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { errorBody, FieldError } from './error-body';

/** A missing required property fails every validator; only the one that says it is required is useful. */
function messagesOf(constraints: Record<string, string>): string[] {
  return constraints.isDefined ? [constraints.isDefined] : Object.values(constraints);
}

const ARRAY_INDEX = /^\d+$/;

/**
 * Flattens class-validator's tree into field paths with their messages: dotted for properties
 * (`address.city`), bracketed for the items of an array (`data[3].title`, as in JavaScript).
 */
export function fieldErrors(errors: readonly ValidationError[], parent?: string): FieldError[] {
  return errors.flatMap((error) => {
    const field =
      parent === undefined
        ? error.property
        : ARRAY_INDEX.test(error.property)
          ? `${parent}[${error.property}]`
          : `${parent}.${error.property}`;
    const own = error.constraints ? [{ field, errors: messagesOf(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Request validation, configured in this one place: unknown properties are rejected (not silently
 * dropped), payloads are turned into DTO instances, and a 400 lists every failing field.
 */
export const VALIDATION_PIPE_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => {
    const fields = fieldErrors(errors);
    const names = [...new Set(fields.map((f) => f.field))].join(', ');
    return new BadRequestException(errorBody(400, `Invalid fields: ${names}`, fields));
  },
};

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe(VALIDATION_PIPE_OPTIONS);
}
