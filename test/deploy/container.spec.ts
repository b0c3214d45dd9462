import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Copy, From, type Instruction } from 'dockerfile-ast';
import { bearer, exampleAuthEnv, OPERATOR } from '../support/example-auth';
import { argumentsOf, commandOf, readDockerfile, replayRuntimeStage, stages } from '../support/container-replay';
import { REPO_ROOT } from '../support/repository';
import { createDatabase, emptyRedis, runScript, startApp } from '../support/services';

/**
 * The repository's Dockerfile (written by `apso generate`), read with a Dockerfile parser. There is
 * no Docker engine here, so the runtime stage is replayed in a temp dir instead: its COPY and RUN
 * lines, then its CMD, booted against the test PostgreSQL and Redis. That proves the production
 * dependencies alone run the API and the migrations.
 */
const dockerfile = readDockerfile(REPO_ROOT);
const work = mkdtempSync(join(tmpdir(), 'apso-container-'));
after(() => rmSync(work, { recursive: true, force: true }));

const lines = (instructions: Instruction[], keyword: string) =>
  instructions.filter((instruction) => instruction.getKeyword() === keyword).map(argumentsOf);

describe('the Dockerfile', () => {
  test('two stages: build compiles, runtime is slim, production-only, non-root, and runs the API by default', () => {
    assert.deepEqual(
      dockerfile.getDirectives().map((directive) => directive.getDirective()),
      ['syntax'],
    );
    const byStage = stages(dockerfile);
    assert.deepEqual([...byStage.keys()], ['build', 'runtime']);
    const build = byStage.get('build')!;
    const runtime = byStage.get('runtime')!;
    assert.deepEqual(lines(build, 'RUN'), [
      ['npm', 'ci', '--ignore-scripts', '--no-audit', '--no-fund'],
      ['npm', 'run', 'build'],
    ]);
    assert.equal((runtime[0] as From).getImage(), 'node:20-slim');
    assert.deepEqual(lines(runtime, 'ENV'), [['NODE_ENV=production']]);
    assert.deepEqual(lines(runtime, 'USER'), [['node']]);
    const [install] = lines(runtime, 'RUN');
    assert.deepEqual(install.slice(0, 6), [
      'npm',
      'ci',
      '--omit=dev',
      '--omit=optional',
      '--ignore-scripts',
      '--no-audit',
    ]);
    const copies = runtime.filter((instruction): instruction is Copy => instruction instanceof Copy);
    assert.deepEqual(
      copies.map((copy) => [copy.getFromFlag()?.getValue() ?? null, ...argumentsOf(copy)]),
      [
        [null, 'package.json', 'package-lock.json', './'],
        ['build', '/app/dist', './dist'],
      ],
    );
    assert.deepEqual(commandOf(dockerfile), ['node', 'dist/main.js']);
  });

  test('.dockerignore keeps installed output and every secret file out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    const secrets = ['.env', 'k8s/secrets.env', 'k8s/pgbouncer-userlist.txt', 'k8s/api-keys', 'api-keys.json'];
    for (const entry of ['**/node_modules', '**/dist', ...secrets]) {
      assert.ok(ignored.includes(entry), entry);
    }
  });

  test('the runtime stage, replayed outside Docker, migrates and serves on production dependencies', async (t) => {
    const workdir = replayRuntimeStage(REPO_ROOT, work);
    const installed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
      cwd: workdir,
      encoding: 'utf8',
    });
    t.diagnostic(`runtime stage: ${installed.trim().split('\n').length - 1} production packages`);
    assert.doesNotMatch(installed, /node_modules\/(typescript|apso|tsx|prettier)$/m, 'no dev dependency installed');

    const database = await createDatabase('apso_container');
    try {
      // The schema turns authentication on: the API refuses to start without its AUTH_* settings.
      const env = {
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        REDIS_URL: await emptyRedis(15),
        ...exampleAuthEnv(),
      };
      const [node, main] = commandOf(dockerfile);
      assert.equal(node, 'node');
      await runScript(join(workdir, 'dist', 'migrate.js'), env, workdir);
      const app = await startApp(join(workdir, main), env, workdir);
      try {
        const ready = await fetch(`${app.baseUrl}/health/ready`);
        assert.equal(ready.status, 200);
        // Tokens are checked on production dependencies too: refused without one, accepted when signed.
        assert.equal((await fetch(`${app.baseUrl}/organizations`)).status, 401);
        assert.equal((await fetch(`${app.baseUrl}/organizations`, { headers: await bearer(OPERATOR) })).status, 200);
        // The worker (the k8s worker Deployment's command) runs on the same production dependencies.
        const webhook = { WEBHOOK_ACTIVITY_URL: 'http://127.0.0.1:9/hooks', WEBHOOK_ACTIVITY_SECRET: 'w'.repeat(32) };
        const worker = await startApp(
          join(workdir, 'dist', 'worker.js'),
          { ...env, ...webhook },
          workdir,
          'WORKER_PORT',
        );
        assert.equal(await worker.stop(), 0, worker.output());
      } finally {
        await app.stop();
      }
    } finally {
      await database.drop();
    }
  });
});
