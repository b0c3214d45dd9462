import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CircuitBreaker, CircuitState } from './circuit-breaker';

class UnavailableError extends Error {}

function breaker() {
  let now = 0;
  const changes: CircuitState[] = [];
  const circuit = new CircuitBreaker({
    timeoutMs: 20,
    failureThreshold: 3,
    coolDownMs: 1_000,
    now: () => now,
    unavailable: (message) => new UnavailableError(message),
    onStateChange: (state) => changes.push(state),
  });
  return { circuit, changes, advance: (ms: number) => (now += ms) };
}

const failing = () => Promise.reject(new Error('ECONNREFUSED'));
const hanging = () => new Promise<never>(() => undefined);
const answering = () => Promise.resolve('PONG');

describe('circuit breaker', () => {
  test('a call that does not answer in time is rejected as unavailable', async () => {
    const { circuit } = breaker();
    const started = Date.now();
    await assert.rejects(circuit.call(hanging), UnavailableError);
    assert.ok(Date.now() - started < 500);
  });

  test('opens after consecutive failures and then skips the operation', async () => {
    const { circuit, changes } = breaker();
    await assert.rejects(circuit.call(failing));
    await assert.rejects(circuit.call(hanging), UnavailableError);
    assert.equal(circuit.state, 'closed');
    await assert.rejects(circuit.call(failing));
    assert.equal(circuit.state, 'open');
    let called = false;
    const skipped = circuit.call(async () => (called = true));
    await assert.rejects(skipped, UnavailableError);
    assert.equal(called, false, 'an open circuit does not call the dependency');
    assert.deepEqual(changes, ['open']);
  });

  test('a success resets the count of consecutive failures', async () => {
    const { circuit } = breaker();
    await assert.rejects(circuit.call(failing));
    await assert.rejects(circuit.call(failing));
    assert.equal(await circuit.call(answering), 'PONG');
    await assert.rejects(circuit.call(failing));
    assert.equal(circuit.state, 'closed');
  });

  test('after the cool-down one probe goes through; its success closes the circuit', async () => {
    const { circuit, changes, advance } = breaker();
    for (let i = 0; i < 3; i++) await assert.rejects(circuit.call(failing));
    advance(999);
    await assert.rejects(circuit.call(answering), UnavailableError, 'still cooling down');
    advance(1);
    let release: (value: string) => void = () => undefined;
    const probe = circuit.call(() => new Promise<string>((resolve) => (release = resolve)));
    assert.equal(circuit.state, 'half-open');
    await assert.rejects(circuit.call(answering), UnavailableError, 'only one probe at a time');
    release('PONG');
    assert.equal(await probe, 'PONG');
    assert.equal(circuit.state, 'closed');
    assert.equal(await circuit.call(answering), 'PONG');
    assert.deepEqual(changes, ['open', 'half-open', 'closed']);
  });

  test('a failed probe reopens the circuit for a whole cool-down', async () => {
    const { circuit, changes, advance } = breaker();
    for (let i = 0; i < 3; i++) await assert.rejects(circuit.call(failing));
    advance(1_000);
    await assert.rejects(circuit.call(hanging), UnavailableError);
    assert.equal(circuit.state, 'open');
    advance(999);
    await assert.rejects(circuit.call(answering), UnavailableError);
    advance(1);
    assert.equal(await circuit.call(answering), 'PONG');
    assert.deepEqual(changes, ['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  test('errors that do not mean the dependency is failing count as answers', async () => {
    let now = 0;
    const circuit = new CircuitBreaker({
      failureThreshold: 2,
      coolDownMs: 1_000,
      isFailure: (error) => (error as Error).message === 'ECONNREFUSED',
      unavailable: (message) => new UnavailableError(message),
      now: () => now,
    });
    const rejected = () => Promise.reject(new Error('invalid input syntax for type uuid'));
    await assert.rejects(circuit.call(failing), /ECONNREFUSED/);
    await assert.rejects(circuit.call(rejected), /invalid input/, 'passed on to the caller');
    await assert.rejects(circuit.call(failing), /ECONNREFUSED/);
    assert.equal(circuit.state, 'closed', 'the rejected query reset the count');
    await assert.rejects(circuit.call(failing), /ECONNREFUSED/);
    assert.equal(circuit.state, 'open');
    now += 1_000;
    await assert.rejects(circuit.call(rejected), /invalid input/);
    assert.equal(circuit.state, 'closed', 'a probe the dependency answered, even with an error, closes the circuit');
  });
});
