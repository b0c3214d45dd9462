import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entityTagOf, ifMatchHolds, ifNoneMatchMatches } from './entity-tag';

const row = { id: 'a', name: 'x', createdAt: new Date('2024-01-31T00:00:00Z') };

test('the tag is strong, and the same for a row and for its JSON read back (a cached answer)', () => {
  const tag = entityTagOf(row);
  assert.match(tag, /^"[\w-]{27}"$/);
  assert.equal(entityTagOf(JSON.parse(JSON.stringify(row))), tag);
  assert.notEqual(entityTagOf({ ...row, name: 'y' }), tag);
});

test('If-Match: any listed strong tag, or *, holds; a weak tag never does', () => {
  const tag = entityTagOf(row);
  assert.ok(ifMatchHolds(tag, tag));
  assert.ok(ifMatchHolds(`"other", ${tag}`, tag));
  assert.ok(ifMatchHolds(' * ', tag));
  assert.ok(!ifMatchHolds(`W/${tag}`, tag));
  assert.ok(!ifMatchHolds('"other"', tag));
  assert.ok(!ifMatchHolds('', tag));
});

test('If-None-Match compares weakly', () => {
  const tag = entityTagOf(row);
  assert.ok(ifNoneMatchMatches(`W/${tag}`, tag));
  assert.ok(ifNoneMatchMatches('*', tag));
  assert.ok(!ifNoneMatchMatches('"other"', tag));
});
