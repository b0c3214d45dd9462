import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generate } from '../../generator/src/pipeline';
import { REPO_ROOT } from '../support/repository';
import { crudSmoke, httpClient } from '../support/crud-smoke';
import { createDatabase, emptyRedis, runScript, startApp } from '../support/services';

/**
 * `apso generate --out DIR` outside this repository, where no node_modules of apso's can be found:
 * the project must install its own dependencies, build, migrate and boot with nothing else.
 */
const out = mkdtempSync(join(tmpdir(), 'apso-standalone-'));

after(() => rmSync(out, { recursive: true, force: true }));

function npm(...args: string[]): void {
  const result = spawnSync('npm', args, {
    cwd: out,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  assert.equal(result.status, 0, `npm ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
}

describe('a standalone project', () => {
  test('installs, builds, migrates, boots and serves every entity by itself', async () => {
    const { model } = await generate({
      schemaPath: join(REPO_ROOT, 'test', 'golden', 'blog', 'schema.apso.json'),
      outDir: out,
    });
    // Packages come from npm's cache when `npm ci` of apso has just filled it; the registry otherwise.
    npm('install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error');
    npm('run', 'build');

    const database = await createDatabase('apso_standalone');
    const env = { DATABASE_URL: database.url, REDIS_URL: await emptyRedis(12) };
    try {
      await runScript(join(out, 'dist', 'migrate.js'), env, out);
      const app = await startApp(join(out, 'dist', 'main.js'), env, out);
      try {
        await crudSmoke(model, httpClient(app.baseUrl));
      } finally {
        await app.stop();
      }
    } finally {
      await database.drop();
    }
  });
});
