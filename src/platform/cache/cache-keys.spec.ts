import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseQueryString } from '../crud/query-string';
import { CacheKeys, canonicalId, normalizeQuery, queryEmbeds } from './cache-keys';

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
    assert.equal(keys.embedsVersion(TASKS), 'apso:shop-a1b2c3:{tasks}:embeds-version');
    assert.equal(keys.item(TASKS, UUID, 'fields=id'), `apso:shop-a1b2c3:{tasks}:item:${UUID}?fields=id`);
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

  test('a query embeds other resources when it has include, in any spelling', () => {
    assert.equal(queryEmbeds('?include=project'), true);
    assert.equal(queryEmbeds('limit=5&include[x]=1'), true);
    assert.equal(queryEmbeds('fields=include&limit=5'), false);
    assert.equal(queryEmbeds(''), false);
  });

  test('parameter order is normalized', () => {
    assert.equal(normalizeQuery('?sort=name&limit=5'), normalizeQuery('limit=5&sort=name'));
    assert.equal(
      normalizeQuery('filter[b][eq]=1&limit=5&filter[a][eq]=2'),
      normalizeQuery('limit=5&filter[b][eq]=1&filter[a][eq]=2'),
    );
  });

  test('two query strings that normalize alike mean the same to the query-string parser', () => {
    const key = fc
      .tuple(
        fc.constantFrom('a', 'b', 'filter'),
        fc.array(fc.constantFrom('[x]', '[y]', '[0]', '[]', '[x.y]'), { maxLength: 3 }),
      )
      .map(([root, segments]) => root + segments.join(''));
    const pair = fc.tuple(key, fc.constantFrom('1', '2', 'a b', '%', ''));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 8 }), (pairs) => {
        const search = new URLSearchParams(pairs).toString();
        assert.deepEqual(parseQueryString(normalizeQuery(search)), parseQueryString(search), search);
      }),
      { numRuns: 2_000 },
    );
  });
});
