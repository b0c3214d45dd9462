import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { statementTimeoutProblem } from './statement-timeout-check';

describe('statementTimeoutProblem', () => {
  test('nothing to say when the pooled connection has the configured timeout', () => {
    assert.equal(statementTimeoutProblem('primary', 15_000, { dbStatementTimeoutMs: 15_000 }), undefined);
  });

  test('names the pool and both values when they differ', () => {
    const problem = statementTimeoutProblem('replica', 0, { dbStatementTimeoutMs: 15_000 });
    assert.match(
      problem ?? '',
      /^statement_timeout on the replica pool is 0 ms, but DB_STATEMENT_TIMEOUT_MS is 15000 ms/,
    );
  });
});
