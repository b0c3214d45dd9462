import assert from 'node:assert/strict';
import { STATUS_CODES } from 'node:http';
import type { HttpResult } from './http';

/** The members src/platform/http/error-body.ts documents, RFC 9457's first, then the compatibility ones. */
export const PROBLEM_MEMBERS = [
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'fields',
  'statusCode',
  'error',
  'message',
];

/**
 * An error answer in the one shape every source of error uses: application/problem+json whose
 * instance is the request id, `status`/`statusCode` the HTTP status, `detail`/`message` the same text,
 * `about:blank` titled by the status phrase or an apso problem type. Returns the body.
 */
export function assertProblem(response: HttpResult, status: number, what = response.text): Record<string, any> {
  assert.equal(response.status, status, what);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json\b/, `problem+json: ${what}`);
  const body = response.body as Record<string, any>;
  assert.equal(typeof body, 'object', what);
  assert.deepEqual(
    Object.keys(body).filter((key) => !PROBLEM_MEMBERS.includes(key)),
    [],
    `only the documented members: ${what}`,
  );
  assert.equal(body.status, status, what);
  assert.equal(body.statusCode, status, what);
  assert.equal(body.error, STATUS_CODES[status], what);
  assert.ok(typeof body.detail === 'string' && body.detail.length > 0, `a detail: ${what}`);
  assert.equal(body.message, body.detail, what);
  if (body.type === 'about:blank') assert.equal(body.title, STATUS_CODES[status], what);
  else assert.match(body.type, /^https:\/\/apso\.dev\/problems\/[a-z-]+$/, what);
  assert.ok(typeof body.title === 'string' && body.title.length > 0, what);
  const requestId = response.headers.get('x-request-id');
  assert.ok(requestId, `the answer carries its request id: ${what}`);
  assert.equal(body.instance, requestId, `the instance is the request id: ${what}`);
  if (body.fields !== undefined) {
    assert.ok(Array.isArray(body.fields) && body.fields.length > 0, `fields is a list: ${what}`);
    for (const entry of body.fields as { field: unknown; errors: unknown }[]) {
      assert.equal(typeof entry.field, 'string', what);
      assert.ok(Array.isArray(entry.errors) && entry.errors.length > 0, what);
    }
  }
  return body;
}
