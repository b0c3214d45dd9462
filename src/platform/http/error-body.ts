import { STATUS_CODES } from 'node:http';

/** One invalid input field and why. */
export interface FieldError {
  readonly field: string;
  readonly errors: readonly string[];
}

/** The JSON body of every error response the platform builds itself (Nest's HttpException shape plus fields). */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly fields?: readonly FieldError[];
}

export function errorBody(statusCode: number, message: string, fields?: readonly FieldError[]): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(fields ? { fields } : {}) };
}
