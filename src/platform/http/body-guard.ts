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
export function bodyProblem(value: unknown): FieldError | undefined {
  const found = valueProblem(value, 0);
  if (!found) return undefined;
  // Collected innermost first. Too deep a nesting is named by its top-level field alone: the full
  // path would be as long as the hostile nesting.
  const path = found.tooDeep ? found.path.slice(-1) : found.path.reverse();
  const name = path.join('.') || 'body';
  return { field: name, errors: [`${name} ${found.message}`] };
}

/**
 * Runs on every write, so the happy path allocates nothing: the path is collected in reverse only
 * while a problem returns up the recursion.
 */
interface ValueProblem {
  readonly path: string[];
  readonly message: string;
  readonly tooDeep?: boolean;
}

function valueProblem(value: unknown, depth: number): ValueProblem | undefined {
  if (typeof value === 'string') {
    const message = stringProblem(value);
    return message ? { path: [], message } : undefined;
  }
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : { path: [], message: 'must be a finite number' };
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_BODY_DEPTH)
    return { path: [], message: `is nested deeper than ${MAX_BODY_DEPTH} levels`, tooDeep: true };
  for (const key in value) {
    // A bad property name is shown escaped, so the message itself carries no NUL or lone surrogate.
    const keyProblem = stringProblem(key);
    if (keyProblem) return { path: [JSON.stringify(key)], message: `is a property name that ${keyProblem}` };
    const problem = valueProblem((value as Record<string, unknown>)[key], depth + 1);
    if (problem) {
      problem.path.push(key);
      return problem;
    }
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
