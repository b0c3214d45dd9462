import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { errorBody, FieldError } from './error-body';

/**
 * Far deeper than any DTO (a json column may hold a document, not a tree of thousands of levels);
 * the walk stops here, so a hostile body costs at most a walk bounded by the body size limit.
 */
export const MAX_BODY_DEPTH = 32;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const NUL = /\u0000/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function stringProblem(value: string): string | undefined {
  if (NUL.test(value)) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must not contain an unpaired UTF-16 surrogate';
  return undefined;
}

/**
 * The first value in a parsed JSON body that no column can store faithfully: PostgreSQL refuses NUL
 * in text and json, an unpaired surrogate would be stored as U+FFFD, and a number too large for a
 * double (1e309) parses as Infinity, which JSON serializes as null. Named by its dotted path.
 */
export function bodyProblem(value: unknown, path: readonly string[] = []): FieldError | undefined {
  const field = (segments: readonly string[], message: string): FieldError => {
    const name = segments.join('.') || 'body';
    return { field: name, errors: [`${name} ${message}`] };
  };
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem ? field(path, problem) : undefined;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : field(path, 'must be a finite number');
  if (value === null || typeof value !== 'object') return undefined;
  if (path.length >= MAX_BODY_DEPTH) return field(path.slice(0, 1), `is nested deeper than ${MAX_BODY_DEPTH} levels`);
  for (const [key, child] of Object.entries(value)) {
    // A bad property name is shown escaped, so the message itself carries no NUL or lone surrogate.
    const keyProblem = stringProblem(key);
    if (keyProblem) return field([...path, JSON.stringify(key)], `is a property name that ${keyProblem}`);
    const problem = bodyProblem(child, [...path, key]);
    if (problem) return problem;
  }
  return undefined;
}

/** Whether a request carries a body, by the same test Fastify applies before choosing a parser. */
function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0].trim().toLowerCase() === 'application/json';
}

/**
 * Checks every request body before any route sees it. Writes take `application/json` only: a
 * form-encoded or text/plain POST is what any web page can send cross-site without a preflight,
 * so it is a 415 rather than parsed. A parsed body with a value no column can store is a 400 naming
 * the field, before validation and before the database could answer 500.
 */
export function guardRequestBodies(adapter: FastifyAdapter): void {
  const instance = adapter.getInstance();
  instance.addHook('onRequest', (request, reply, done) => {
    if (BODY_METHODS.has(request.method) && hasBody(request.headers) && !isJson(request.headers['content-type'])) {
      void reply.code(415).send(errorBody(415, 'Content-Type must be application/json'));
      return;
    }
    done();
  });
  instance.addHook('preValidation', (request, reply, done) => {
    const problem = bodyProblem(request.body);
    if (problem) {
      void reply.code(400).send(errorBody(400, `Invalid fields: ${problem.field}`, [problem]));
      return;
    }
    done();
  });
}
