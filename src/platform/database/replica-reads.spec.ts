import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DatabaseError } from 'pg';
import type { Counter, Gauge } from 'prom-client';
import { DataSource, QueryFailedError } from 'typeorm';
import { AppConfig } from '../config/config';
import { ReplicaReads } from './replica-reads';

function replicaReads(replicaOpen = true) {
  const fallbacks: string[] = [];
  const gauge: number[] = [];
  const reads = new ReplicaReads(
    { replicaBreakerFailures: 2, replicaBreakerCooldownMs: 60_000 } as AppConfig,
    { isInitialized: replicaOpen } as DataSource,
    { inc: ({ reason }: { reason: string }) => fallbacks.push(reason) } as unknown as Counter<'reason'>,
    { set: (value: number) => gauge.push(value) } as unknown as Gauge,
  );
  return { reads, fallbacks, gauge };
}

const refused = () =>
  Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.0.0.2:5432'), { code: 'ECONNREFUSED' }));
const primary = () => Promise.resolve('from the primary');

function invalidValue(): QueryFailedError {
  const error = new DatabaseError('invalid input syntax for type uuid: "x"', 0, 'error');
  error.code = '22P02';
  return new QueryFailedError('SELECT ...', [], error);
}

describe('ReplicaReads', () => {
  test('a read the replica answers is not run on the primary', async () => {
    const { reads, fallbacks } = replicaReads();
    let primaryCalls = 0;
    const answer = await reads.read(
      () => Promise.resolve('from the replica'),
      async () => (primaryCalls++, 'from the primary'),
    );
    assert.equal(answer, 'from the replica');
    assert.equal(primaryCalls, 0);
    assert.deepEqual(fallbacks, []);
  });

  test('a connectivity fault is retried on the primary, and enough of them open the circuit', async () => {
    const { reads, fallbacks, gauge } = replicaReads();
    assert.equal(await reads.read(refused, primary), 'from the primary');
    assert.equal(await reads.read(refused, primary), 'from the primary');
    assert.equal(reads.state, 'open');
    let replicaCalls = 0;
    assert.equal(await reads.read(async () => (replicaCalls++, 'replica'), primary), 'from the primary');
    assert.equal(replicaCalls, 0, 'an open circuit skips the replica');
    assert.deepEqual(fallbacks, ['refused', 'refused', 'circuit_open']);
    assert.deepEqual(gauge, [0, 1]);
  });

  test("an error of the query is the caller's: passed on, never retried on the primary", async () => {
    const { reads, fallbacks } = replicaReads();
    let primaryCalls = 0;
    const error = invalidValue();
    await assert.rejects(
      reads.read(
        () => Promise.reject(error),
        async () => (primaryCalls++, 'from the primary'),
      ),
      (thrown) => thrown === error,
    );
    assert.equal(primaryCalls, 0);
    assert.deepEqual(fallbacks, []);
    assert.equal(reads.state, 'closed');
  });

  test('until the replica connection is open, reads go to the primary', async () => {
    const { reads, fallbacks } = replicaReads(false);
    assert.equal(await reads.read(() => assert.fail('the replica is not open'), primary), 'from the primary');
    assert.deepEqual(fallbacks, ['not_connected']);
  });
});
