import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../config/config-error';
import { ApiKeyFailure, ApiKeyStore, sha256 } from './api-key-store';

const KEY = 'apso_Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmE';
const OTHER = 'apso_b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcm90aGU';
const FILE = '/etc/keys.json';

const entry = (overrides: object = {}) => ({ id: 'ci-bot', sha256: sha256(KEY), ...overrides });
const store = (keys: unknown[]) => ApiKeyStore.parse(JSON.stringify({ keys }), FILE);

function problems(text: string): readonly string[] {
  try {
    ApiKeyStore.parse(text, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('expected the file to be refused');
}

function failure(action: () => unknown): ApiKeyFailure {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ApiKeyFailure, String(error));
    return error;
  }
  assert.fail('expected the key to be refused');
}

describe('the API key store', () => {
  test('a key is found by the SHA-256 of the whole key; its claims, with sub defaulting to the id', () => {
    const keys = store([
      entry({ claims: { roles: ['admin'], org_id: 'org-1' } }),
      { id: 'other', sha256: sha256(OTHER), claims: { sub: 'service-7' } },
    ]);
    assert.equal(keys.size, 2);
    assert.deepEqual(keys.claimsOf(KEY), { sub: 'ci-bot', roles: ['admin'], org_id: 'org-1' });
    assert.deepEqual(keys.claimsOf(OTHER), { sub: 'service-7' });
    assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('an unknown key, a key differing by one character, or the hash itself: invalid, never echoed', () => {
    const keys = store([entry()]);
    for (const presented of ['apso_unknown', `${KEY}x`, KEY.slice(0, -1), sha256(KEY)]) {
      const refused = failure(() => keys.claimsOf(presented));
      assert.equal(refused.reason, 'invalid');
      assert.equal(refused.description, 'The API key is not valid');
      assert.ok(!refused.message.includes(presented));
    }
  });

  test('expiresAt: accepted before, refused as expired from that instant on', () => {
    const keys = store([entry({ expiresAt: '2027-01-01T00:00:00Z' })]);
    const at = (iso: string) => Date.parse(iso);
    assert.deepEqual(keys.claimsOf(KEY, at('2026-12-31T23:59:59Z')), { sub: 'ci-bot' });
    assert.equal(failure(() => keys.claimsOf(KEY, at('2027-01-01T00:00:00Z'))).reason, 'expired');
    assert.equal(failure(() => keys.claimsOf(KEY, at('2030-01-01T00:00:00Z'))).description, 'The API key has expired');
    // An offset is honoured: midnight in Paris is 23:00 UTC the day before.
    const paris = store([entry({ expiresAt: '2027-01-01T00:00:00+01:00' })]);
    assert.equal(failure(() => paris.claimsOf(KEY, at('2026-12-31T23:30:00Z'))).reason, 'expired');
  });

  test('an empty list is a valid file: the service accepts no key yet', () => {
    assert.equal(store([]).size, 0);
  });

  test('a bad file is refused naming the file, the entry and what is wrong', () => {
    assert.match(problems('{ "keys": [')[0], /^AUTH_API_KEYS_FILE \/etc\/keys\.json is not JSON: /);
    assert.deepEqual(problems('[]'), [
      `AUTH_API_KEYS_FILE ${FILE}: (the file): Invalid input: expected object, received array`,
    ]);
    assert.deepEqual(problems('{}'), [
      `AUTH_API_KEYS_FILE ${FILE}: keys: Invalid input: expected array, received undefined`,
    ]);
    assert.deepEqual(
      problems(
        JSON.stringify({
          keys: [
            entry(),
            { id: '', sha256: sha256(KEY).toUpperCase() },
            entry({ id: 'x', sha256: 'abc', expiresAt: 'next year', claims: ['admin'] }),
            entry({ id: 'y', key: KEY }),
          ],
        }),
      ),
      [
        `AUTH_API_KEYS_FILE ${FILE}: keys[1].id: must not be empty`,
        `AUTH_API_KEYS_FILE ${FILE}: keys[1].sha256: must be 64 lowercase hex digits: the SHA-256 of the whole key`,
        `AUTH_API_KEYS_FILE ${FILE}: keys[2].sha256: must be 64 lowercase hex digits: the SHA-256 of the whole key`,
        `AUTH_API_KEYS_FILE ${FILE}: keys[2].claims: Invalid input: expected record, received array`,
        `AUTH_API_KEYS_FILE ${FILE}: keys[2].expiresAt: must be an ISO 8601 date and time, like 2027-01-01T00:00:00Z`,
        `AUTH_API_KEYS_FILE ${FILE}: keys[3]: Unrecognized key: "key"`,
      ],
    );
  });

  test('duplicate ids and duplicate hashes are refused, naming both entries', () => {
    assert.deepEqual(problems(JSON.stringify({ keys: [entry(), entry({ sha256: sha256(OTHER) })] })), [
      `AUTH_API_KEYS_FILE ${FILE}: keys[1].id: "ci-bot" is also keys[0]'s id`,
    ]);
    assert.deepEqual(problems(JSON.stringify({ keys: [entry(), entry({ id: 'copy' })] })), [
      `AUTH_API_KEYS_FILE ${FILE}: keys[1].sha256: the same hash as keys[0]`,
    ]);
  });

  test('fromFile: a missing file is refused naming it; a good one is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apso-keys-'));
    assert.throws(() => ApiKeyStore.fromFile(join(dir, 'absent.json')), {
      message: `Invalid configuration: AUTH_API_KEYS_FILE ${join(dir, 'absent.json')} cannot be read (ENOENT)`,
    });
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ keys: [entry()] }));
    assert.deepEqual(ApiKeyStore.fromFile(join(dir, 'keys.json')).claimsOf(KEY), { sub: 'ci-bot' });
  });
});
