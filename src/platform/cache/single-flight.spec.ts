import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SingleFlight } from './single-flight';

test('callers that join a key in flight share its one run; the key is free once it settles', async () => {
  const flights = new SingleFlight<number>();
  let runs = 0;
  let finish!: (value: number) => void;
  const led = flights.lead('a', () => {
    runs++;
    return new Promise<number>((resolve) => (finish = resolve));
  });
  const joined = flights.joined('a');
  assert.ok(joined, 'a second caller finds the run in flight');
  assert.equal(flights.joined('b'), undefined, 'other keys are not shared');
  finish(7);
  assert.equal(await led, 7);
  assert.equal(await joined, 7);
  assert.equal(runs, 1);
  assert.equal(flights.joined('a'), undefined, 'a settled run is not kept');
});

test('a failed run frees its key and rejects for its callers only', async () => {
  const flights = new SingleFlight<number>();
  await assert.rejects(
    flights.lead('a', () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(flights.joined('a'), undefined);
});
