import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTimestamp } from './is-timestamp';

test('ISO 8601 timestamps with an offset, on real days, are timestamps', () => {
  for (const value of ['2024-02-29T09:30:00Z', '2024-01-31T09:30+01:00', '2024-01-31T09:30:00.123456Z']) {
    assert.ok(isTimestamp(value), value);
  }
});

test('anything new Date would accept but a client did not mean is not', () => {
  for (const value of [true, 0, '1', '2024-02-30T00:00:00Z', '2024-01-31T09:30:00', '2024-01-31', 'Jan 31 2024']) {
    assert.equal(isTimestamp(value), false, String(value));
  }
});
