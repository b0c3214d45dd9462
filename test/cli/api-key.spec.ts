import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { ApiKeyStore } from '../../src/platform/auth/api-key-store';
import { APSO_BIN, REPO_ROOT } from '../support/repository';

/** `apso api-key` as an operator runs it: what it prints, what the keys file becomes, and that the service reads it. */
const TMP = join(REPO_ROOT, 'test', '.tmp', 'cli-api-key');
const apso = (...args: string[]) =>
  spawnSync(process.execPath, [APSO_BIN, 'api-key', ...args], { cwd: TMP, encoding: 'utf8' });
const KEY_LINE = /^apso_[A-Za-z0-9_-]{43}$/m;
const FILE = join(TMP, 'api-keys.json');

function keyOf(stdout: string): string {
  const match = KEY_LINE.exec(stdout);
  assert.ok(match, stdout);
  return match[0];
}

const fileKeys = () => (JSON.parse(readFileSync(FILE, 'utf8')) as { keys: { id: string }[] }).keys;

describe('apso api-key', () => {
  beforeEach(() => {
    rmSync(TMP, { recursive: true, force: true });
    mkdirSync(TMP, { recursive: true });
  });

  test('prints a fresh key once, saying so, and its entry: the SHA-256 of the whole key, never the key', () => {
    const run = apso(
      '--id',
      'ci-bot',
      '--role',
      'admin',
      '--claim',
      'org_id=acme',
      '--expires',
      '2099-01-01T00:00:00Z',
    );
    assert.equal(run.status, 0, run.stderr);
    const key = keyOf(run.stdout);
    assert.equal(run.stdout.split(key).length, 2, 'the key is printed exactly once');
    assert.match(run.stdout, /shown this once and stored nowhere/);
    const entry = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
    assert.deepEqual(entry, {
      id: 'ci-bot',
      sha256: createHash('sha256').update(key).digest('hex'),
      claims: { sub: 'ci-bot', org_id: 'acme', roles: ['admin'] },
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    assert.notEqual(keyOf(apso('--id', 'ci-bot').stdout), key, 'every run mints a new key');
    assert.equal(existsSync(FILE), false);
  });

  test('--file: creates the file, adds entries keeping the others, refuses an id already there', () => {
    const first = apso('--id', 'ci-bot', '--role', 'admin', '--file', 'api-keys.json');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /added "ci-bot" to api-keys\.json \(1 key\)/);
    const foreign = { id: 'by-hand', sha256: 'f'.repeat(64), claims: { roles: ['reader'], note: 'kept as written' } };
    writeFileSync(FILE, JSON.stringify({ keys: [...fileKeys(), foreign] }));
    const second = apso('--id', 'reporting', '--file', 'api-keys.json');
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(
      fileKeys().map((entry) => entry.id),
      ['ci-bot', 'by-hand', 'reporting'],
    );
    assert.deepEqual(fileKeys()[1], foreign);
    const before = readFileSync(FILE, 'utf8');
    const duplicate = apso('--id', 'ci-bot', '--file', 'api-keys.json');
    assert.equal(duplicate.status, 2);
    assert.match(duplicate.stderr, /api-keys\.json already has a key "ci-bot" \(keys\[0\]\)/);
    assert.doesNotMatch(duplicate.stdout, KEY_LINE, 'no key is shown that was never stored');
    assert.equal(readFileSync(FILE, 'utf8'), before);
  });

  test('the service reads the file it writes: the key grants its claims, roles under the schema roles claim', () => {
    writeFileSync(
      join(TMP, 'schema.apso.json'),
      JSON.stringify({ name: 'x', auth: { jwt: { rolesClaim: 'realm_access.roles' }, apiKey: {} }, entities: [] }),
    );
    const run = apso('--id', 'ci-bot', '--role', 'admin', '--role', 'editor', '--file', 'api-keys.json');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const claims = ApiKeyStore.fromFile(FILE).claimsOf(keyOf(run.stdout));
    assert.deepEqual(claims, { sub: 'ci-bot', 'realm_access.roles': ['admin', 'editor'] });
  });

  test('a schema without auth.apiKey: minted, with a warning that its service accepts no key', () => {
    writeFileSync(join(TMP, 'schema.apso.json'), JSON.stringify({ name: 'x', entities: [] }));
    const run = apso('--id', 'ci-bot');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^warning: schema\.apso\.json has no "auth": \{ "apiKey": \{\} \}/);
  });

  test('mistakes: exit 2 naming the option, no key printed, no file written', () => {
    const cases: [string[], RegExp][] = [
      [[], /--id is required/],
      [['--id', 'has space'], /--id "has space" must be 1 to 100 letters/],
      [['--id', 'a', '--claim', 'org_id'], /--claim "org_id" must be name=value/],
      [['--id', 'a', '--claim', 'x=1', '--claim', 'x=2'], /--claim x is given twice/],
      [['--id', 'a', '--role', 'admin', '--claim', 'roles=admin'], /--claim roles is the roles claim/],
      [['--id', 'a', '--expires', 'next year'], /--expires "next year" must be an ISO 8601 date and time/],
      [['--id', 'a', '--expires', '2027-01-01'], /must be an ISO 8601 date and time with its zone/],
      [['--id', 'a', '--expires', '2001-01-01T00:00:00Z'], /--expires 2001-01-01T00:00:00Z is already past/],
      [['--id', 'a', '--schema', 'absent.json'], /--schema absent\.json: no such file/],
      [['--id', 'a', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const run = apso(...args, '--file', 'api-keys.json');
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stdout, KEY_LINE);
    }
    assert.equal(existsSync(FILE), false);
    writeFileSync(FILE, '{ "keys": {} }');
    const notKeys = apso('--id', 'a', '--file', 'api-keys.json');
    assert.equal(notKeys.status, 2);
    assert.match(notKeys.stderr, /api-keys\.json is not a keys file: expected \{ "keys": \[ \.\.\. \] \}/);
  });

  test('--help and the generate usage both document the command', () => {
    assert.match(apso('--help').stdout, /Usage: apso api-key --id ID/);
    const help = spawnSync(process.execPath, [APSO_BIN, '--help'], { encoding: 'utf8' });
    assert.match(help.stdout, /apso api-key --id ID/);
  });
});
