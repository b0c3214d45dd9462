import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';
import { REQUEST_ID_HEADER } from '../logging/request-id';

/** One invalid input field and why. */
export interface FieldError {
  readonly field: string;
  readonly errors: readonly string[];
}

/** The media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Where the problem types the platform defines live; each slug is documented in docs/runtime.md. */
export const PROBLEM_TYPE_BASE = 'https://apso.dev/problems/';

/**
 * The problems a client may want to tell apart beyond their status. Any other error is `about:blank`,
 * whose title is the status phrase: the status says all there is to say.
 */
const PROBLEM_TITLES = {
  validation: 'The request has invalid fields',
  'already-exists': 'A unique value is already taken',
  'missing-reference': 'A reference points to a missing record',
  'still-referenced': 'The record is still referenced by others',
  'stale-version': 'The record was modified by someone else',
  'database-unavailable': 'The database is temporarily unavailable',
} as const;

export type ProblemKind = keyof typeof PROBLEM_TITLES;

/**
 * The JSON body of every error response: an RFC 9457 problem details object. `statusCode`, `error`
 * and `message` repeat `status`, `title`'s status phrase and `detail` as extension members, so that
 * clients written against Nest's `{ statusCode, error, message }` (the APSO CLI's backends) keep
 * working; `fields` lists the failing input fields.
 */
export interface ErrorBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The request id (X-Request-Id), which the logs carry too; set by whoever sends the response. */
  readonly instance?: string;
  readonly fields?: readonly FieldError[];
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
}

function statusPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/**
 * A problem without its instance. A 400 that names fields is a validation problem unless `kind` says
 * otherwise; everything without a kind is `about:blank`.
 */
export function errorBody(
  status: number,
  message: string,
  fields?: readonly FieldError[],
  kind?: ProblemKind,
): ErrorBody {
  const type = kind ?? (status === 400 && fields ? 'validation' : undefined);
  return {
    type: type === undefined ? 'about:blank' : PROBLEM_TYPE_BASE + type,
    title: type === undefined ? statusPhrase(status) : PROBLEM_TITLES[type],
    status,
    detail: message,
    ...(fields ? { fields } : {}),
    statusCode: status,
    error: statusPhrase(status),
    message,
  };
}

/** The body as sent: the problem with the request id as its instance. */
export function problemOf(body: ErrorBody, requestId: string | undefined): ErrorBody {
  const { type, title, status, detail, ...rest } = body;
  return { type, title, status, detail, ...(requestId === undefined ? {} : { instance: requestId }), ...rest };
}

/** Whether an HttpException's response object is already a problem built by errorBody. */
export function isErrorBody(response: unknown): response is ErrorBody {
  const candidate = response as Partial<ErrorBody> | null;
  return typeof candidate?.type === 'string' && typeof candidate.status === 'number';
}

/**
 * Any HttpException's response as a problem: Nest's own (`{ statusCode, message, error }`, where
 * message may be a list) and plain strings as well as the platform's.
 */
export function problemFromHttpResponse(status: number, response: unknown): ErrorBody {
  if (isErrorBody(response)) return response;
  if (typeof response === 'string') return errorBody(status, response);
  const message = (response as { message?: unknown } | null)?.message;
  const text = Array.isArray(message) ? message.map(String).join('; ') : typeof message === 'string' ? message : '';
  return errorBody(status, text || statusPhrase(status));
}

/**
 * Sends a problem through Fastify (from a hook, a handler or the exception filter). The request id
 * header is set here too: a 404 for an unknown route can be sent before the hook that sets it ran,
 * and the instance must always be findable by it.
 */
export function replyWithProblem(reply: FastifyReply, body: ErrorBody): void {
  void reply
    .code(body.status)
    .header(REQUEST_ID_HEADER, reply.request.id)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(problemOf(body, reply.request.id));
}
