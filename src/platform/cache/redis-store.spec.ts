import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryPolicyWarning } from './redis-store';

/** The lines of INFO memory that matter, as Redis 7 writes them (CRLF line ends). */
const info = (maxmemory: number, policy: string) =>
  `# Memory\r\nused_memory:1048576\r\nmaxmemory:${maxmemory}\r\nmaxmemory_human:0B\r\nmaxmemory_policy:${policy}\r\n`;

test('a Redis that bounds its memory and evicts keys with a TTL gets no warning', () => {
  assert.equal(memoryPolicyWarning(info(268_435_456, 'volatile-lru')), undefined);
  assert.equal(memoryPolicyWarning(info(268_435_456, 'allkeys-lfu')), undefined);
});

test('no maxmemory, or a policy that evicts nothing, is named with what to set', () => {
  assert.match(memoryPolicyWarning(info(0, 'noeviction'))!, /no maxmemory.*volatile-lru/);
  assert.match(memoryPolicyWarning(info(268_435_456, 'noeviction'))!, /noeviction.*volatile-lru/);
});
