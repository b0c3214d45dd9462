import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../support/repository';
import { createDatabase, redisUrl, runScript, type TestDatabase } from '../support/services';

/**
 * `node dist/migrate.js --wait`, the API pods' init container: it applies nothing, and exits 0 only
 * once the database has every migration of the build, so a new version never serves an old schema.
 */
const MIGRATE = join(REPO_ROOT, 'dist', 'migrate.js');
let database: TestDatabase;
let env: NodeJS.ProcessEnv;

before(async () => {
  database = await createDatabase('apso_migrate_wait');
  env = { DATABASE_URL: database.url, REDIS_URL: redisUrl(14), LOG_LEVEL: 'info' };
});
after(() => database.drop());

function startWaiting(args: string[]) {
  const child = spawn(process.execPath, [MIGRATE, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { exit, output: () => output, exited: () => child.exitCode !== null };
}

describe('migrate.js --wait', () => {
  test('gives up with exit 1 on a database that stays unmigrated, and writes nothing', async () => {
    const waiter = startWaiting(['--wait=1']);
    assert.equal(await waiter.exit, 1);
    assert.match(waiter.output(), /database still not migrated/);
    assert.match(waiter.output(), /ApsoSchema0000000000001/);
  });

  test('waits while migrations are pending and exits 0 once migrate.js has applied them', async () => {
    const waiter = startWaiting(['--wait=60']);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(waiter.exited(), false, `exited before the migration ran:\n${waiter.output()}`);
    // The waiter created nothing: every migration of the build still finds an empty database.
    const migrations = readdirSync(join(REPO_ROOT, 'src', 'migrations')).filter((name) => name.endsWith('.ts'));
    assert.match(await runScript(MIGRATE, env), new RegExp(`"applied":${migrations.length}\\b`));
    assert.equal(await waiter.exit, 0, waiter.output());
    assert.match(waiter.output(), /database is up to date/);
  });

  test('an argument it does not know is refused', async () => {
    const waiter = startWaiting(['--wiat']);
    assert.equal(await waiter.exit, 1);
    assert.match(waiter.output(), /usage: migrate.js \[--wait\[=SECONDS\]\]/);
  });
});
