import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CacheKeys, canonicalId } from './cache-keys';

const TASKS = { name: 'tasks' };
const UUID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';

describe('cache keys', () => {
  test("every key starts with apso and the namespace, and carries its resource's hash tag", () => {
    const keys = new CacheKeys('shop-a1b2c3');
    assert.equal(keys.item(TASKS, UUID), `apso:shop-a1b2c3:{tasks}:item:${UUID}`);
    assert.equal(keys.itemVersion(TASKS, UUID), `apso:shop-a1b2c3:{tasks}:version:${UUID}`);
    assert.equal(keys.rowsVersion(TASKS), 'apso:shop-a1b2c3:{tasks}:rows-version');
    assert.equal(keys.list(TASKS, 'limit=5'), 'apso:shop-a1b2c3:{tasks}:list:limit=5');
    assert.equal(keys.listVersion(TASKS), 'apso:shop-a1b2c3:{tasks}:list-version');
    assert.equal(keys.lock(TASKS, keys.item(TASKS, UUID)), `apso:shop-a1b2c3:{tasks}:lock:item:${UUID}`);
    assert.equal(keys.lock(TASKS, keys.list(TASKS, 'limit=5')), 'apso:shop-a1b2c3:{tasks}:lock:list:limit=5');
  });

  test('an id is keyed as the route pipe parses it', () => {
    assert.equal(canonicalId(UUID.toUpperCase()), UUID);
    assert.equal(canonicalId('01'), '1');
    assert.equal(canonicalId('007'), '7');
    assert.equal(canonicalId(7), '7');
    assert.equal(canonicalId('-0'), '0');
    const keys = new CacheKeys('n');
    assert.equal(keys.item(TASKS, '01'), keys.item(TASKS, 1), 'the GET and the write of one row share the key');
    assert.equal(keys.itemVersion(TASKS, UUID.toUpperCase()), keys.itemVersion(TASKS, UUID));
  });
});
