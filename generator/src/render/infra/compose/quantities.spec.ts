import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { composeCpus, composeMemory } from './quantities';

describe('Kubernetes quantities in compose form', () => {
  test('CPUs: millicores become a fraction of a CPU', () => {
    assert.equal(composeCpus('250m'), '0.25');
    assert.equal(composeCpus('1'), '1');
    assert.equal(composeCpus('1.5'), '1.5');
    assert.equal(composeCpus('2000m'), '2');
    assert.equal(composeCpus('100m'), '0.1');
  });

  test('memory: binary units map to compose units, decimal ones to bytes', () => {
    assert.equal(composeMemory('512Mi'), '512m');
    assert.equal(composeMemory('1Gi'), '1g');
    assert.equal(composeMemory('1.5Gi'), '1536m');
    assert.equal(composeMemory('64Ki'), '64k');
    assert.equal(composeMemory('1Ti'), '1024g');
    assert.equal(composeMemory('500M'), '500000000b');
    assert.equal(composeMemory('1G'), '1000000000b');
    assert.equal(composeMemory('1000'), '1000b');
  });

  test('something that is not a quantity is refused', () => {
    assert.throws(() => composeMemory('512MB'), /not a Kubernetes quantity/);
    assert.throws(() => composeCpus('one'), /not a Kubernetes quantity/);
  });
});
