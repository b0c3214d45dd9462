import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyProblem as problemWithin, MAX_BODY_DEPTH, MAX_OBJECT_PROPERTIES } from './body-guard';

const bodyProblem = (body: unknown) => problemWithin(body, { maxValues: 1_000 });

const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

test('a body any column can store has no problem', () => {
  assert.equal(bodyProblem({ title: 'ok \ud83d\ude00', n: 1.5, tags: [1, 'a', null], deep: nested(10) }), undefined);
});

test('NUL, unpaired surrogates and non-finite numbers are named by their dotted path', () => {
  assert.deepEqual(bodyProblem({ title: 'a\u0000b' }), {
    field: 'title',
    errors: ['title must not contain the NUL character (U+0000)'],
  });
  assert.equal(bodyProblem({ payload: { list: ['ok', '\udc00'] } })?.field, 'payload.list.1');
  assert.equal(bodyProblem({ email: 'x\ud800' })?.errors[0], 'email must not contain an unpaired UTF-16 surrogate');
  assert.equal(bodyProblem({ payload: { n: Infinity } })?.errors[0], 'payload.n must be a finite number');
  assert.equal(bodyProblem({ payload: { 'k\u0000': 1 } })?.field, 'payload."k\\u0000"');
});

test(`nesting deeper than ${MAX_BODY_DEPTH} levels names the top-level field`, () => {
  assert.equal(bodyProblem({ payload: nested(MAX_BODY_DEPTH - 1) }), undefined);
  assert.deepEqual(bodyProblem({ payload: nested(2000) }), {
    field: 'payload',
    errors: [`payload is nested deeper than ${MAX_BODY_DEPTH} levels`],
  });
});

test('a body must be an object', () => {
  for (const body of [[{ a: 1 }], null, 'text', 42])
    assert.deepEqual(bodyProblem(body), { field: 'body', errors: ['body must be a JSON object'] });
});

test('the values a body holds are bounded, and so are the properties of one object', () => {
  const values = (count: number) => Array.from({ length: count }, (_, index) => index);
  // The body itself and its array are two values of the thousand.
  assert.equal(bodyProblem({ tagIds: values(998) }), undefined);
  assert.deepEqual(bodyProblem({ tagIds: values(999) }), {
    field: 'tagIds',
    errors: ['tagIds makes the body hold more than 1000 values'],
  });
  const wide = (count: number) => Object.fromEntries(values(count).map((index) => [`k${index}`, true]));
  assert.equal(problemWithin({ payload: wide(MAX_OBJECT_PROPERTIES) }, { maxValues: 10_000 }), undefined);
  assert.deepEqual(problemWithin(wide(MAX_OBJECT_PROPERTIES + 1), { maxValues: 10_000 }), {
    field: 'body',
    errors: [`body has more than ${MAX_OBJECT_PROPERTIES} properties in one object`],
  });
  // An array's items are no object's properties: the value budget alone bounds them.
  assert.equal(problemWithin({ data: values(MAX_OBJECT_PROPERTIES * 2) }, { maxValues: 10_000 }), undefined);
});
