import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { errorBody, FieldError, replyWithProblem } from './error-body';

/**
 * Far deeper than any DTO (a json column may hold a document, not a tree of thousands of levels);
 * the walk stops here, so a hostile body costs at most a walk bounded by the body size limit.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * class-transformer, which turns every body into a DTO, de-duplicates each object's keys with
 * indexOf: quadratic in their number. 60,000 keys in an 857 KB body held the event loop for 1.9 s;
 * 1,000 cost about a millisecond, and no DTO or reasonable json document has more in one object.
 */
export const MAX_OBJECT_PROPERTIES = 1_000;

/**
 * The bounds on one parsed body. `maxValues` bounds the work of validation and transformation, which
 * is linear in the number of JSON values a body holds (every object, array, string, number...).
 */
export interface BodyLimits {
  readonly maxValues: number;
}

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
 * The first reason not to hand a parsed JSON body to validation: it is not an object (every write
 * route takes one); it would cost too much to transform (too many values, too many properties in
 * one object, too deep); or it holds a value no column can store faithfully: PostgreSQL refuses NUL
 * in text and json, an unpaired surrogate would be stored as U+FFFD, and a number too large for a
 * double (1e309) parses as Infinity, which JSON serializes as null. Named by its dotted path.
 */
export function bodyProblem(body: unknown, limits: BodyLimits): FieldError | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { field: 'body', errors: ['body must be a JSON object'] };
  walk.maxValues = walk.valuesLeft = limits.maxValues;
  const found = valueProblem(body, 0);
  if (!found) return undefined;
  // Collected innermost first. A problem of size is named by its top-level field alone: the full
  // path would be as long as the hostile nesting.
  const path = found.ofSize ? found.path.slice(-1) : found.path.reverse();
  const name = path.join('.') || 'body';
  return { field: name, errors: [`${name} ${found.message}`] };
}

/**
 * Runs on every write, so the happy path allocates nothing: the path is collected in reverse only
 * while a problem returns up the recursion, and the value budget is one module-level counter (the
 * walk is synchronous, so no two walks interleave).
 */
interface ValueProblem {
  readonly path: string[];
  readonly message: string;
  readonly ofSize?: boolean;
}

const walk = { maxValues: 0, valuesLeft: 0 };

function valueProblem(value: unknown, depth: number): ValueProblem | undefined {
  if (--walk.valuesLeft < 0)
    return { path: [], message: `makes the body hold more than ${walk.maxValues} values`, ofSize: true };
  if (typeof value === 'string') {
    const message = stringProblem(value);
    return message ? { path: [], message } : undefined;
  }
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : { path: [], message: 'must be a finite number' };
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_BODY_DEPTH)
    return { path: [], message: `is nested deeper than ${MAX_BODY_DEPTH} levels`, ofSize: true };
  let properties = 0;
  // Only objects: class-transformer walks an array's items in one linear pass (a bulk create's
  // `data` may hold MAX_BATCH_ITEMS of them); the value budget bounds arrays.
  const counted = !Array.isArray(value);
  for (const key in value) {
    if (counted && ++properties > MAX_OBJECT_PROPERTIES)
      return { path: [], message: `has more than ${MAX_OBJECT_PROPERTIES} properties in one object`, ofSize: true };
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
 * so it is a 415 rather than parsed. A parsed body that is not an object, would cost too much to
 * validate, or holds a value no column can store is a 400 naming the field, before validation and
 * before the database could answer 500.
 */
export function guardRequestBodies(adapter: FastifyAdapter, limits: BodyLimits): void {
  const instance = adapter.getInstance();
  instance.addHook('onRequest', (request, reply, done) => {
    if (BODY_METHODS.has(request.method) && hasBody(request.headers) && !isJson(request.headers['content-type'])) {
      replyWithProblem(reply, errorBody(415, 'Content-Type must be application/json'));
      return;
    }
    done();
  });
  instance.addHook('preValidation', (request, reply, done) => {
    const checked = BODY_METHODS.has(request.method) && request.body !== undefined;
    const problem = checked ? bodyProblem(request.body, limits) : undefined;
    if (problem) {
      replyWithProblem(reply, errorBody(400, `Invalid fields: ${problem.field}`, [problem]));
      return;
    }
    done();
  });
}
