import { BadRequestException, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { errorBody, FieldError } from './error-body';

/** A missing required property fails every validator; only the one that says it is required is useful. */
function messagesOf(constraints: Record<string, string>): string[] {
  return constraints.isDefined ? [constraints.isDefined] : Object.values(constraints);
}

const ARRAY_INDEX = /^\d+$/;

/**
 * The context of a validator that names the failing fields itself: a list's `filter` is one property
 * but many parameters (`filter[priority][gt]`), and the client needs to know which of them failed.
 */
export interface DetailedFieldErrors {
  fieldErrors(value: unknown): FieldError[];
}

function isDetailed(context: unknown): context is DetailedFieldErrors {
  return typeof (context as Partial<DetailedFieldErrors> | undefined)?.fieldErrors === 'function';
}

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
    return [...ownErrors(error, field), ...fieldErrors(error.children ?? [], field)];
  });
}

/** The property's own failures: detailed ones as their validator names them, the rest under the property. */
function ownErrors(error: ValidationError, field: string): FieldError[] {
  if (!error.constraints) return [];
  const plain: Record<string, string> = {};
  const detailed: FieldError[] = [];
  for (const [name, message] of Object.entries(error.constraints)) {
    const context: unknown = error.contexts?.[name];
    if (isDetailed(context)) detailed.push(...context.fieldErrors(error.value));
    else plain[name] = message;
  }
  const own = Object.keys(plain).length > 0 ? [{ field, errors: messagesOf(plain) }] : [];
  return mergeByField([...own, ...detailed]);
}

/** One entry per field, its messages in order and without repeats. */
function mergeByField(entries: readonly FieldError[]): FieldError[] {
  const merged = new Map<string, string[]>();
  for (const { field, errors } of entries) {
    const messages = merged.get(field) ?? [];
    for (const message of errors) if (!messages.includes(message)) messages.push(message);
    merged.set(field, messages);
  }
  return [...merged].map(([field, errors]) => ({ field, errors }));
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
