import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generate } from '../../generator/src/pipeline';
import { replayRuntimeStage } from '../support/container-replay';
import { smokeBuiltProject } from '../support/crud-smoke';
import { REPO_ROOT } from '../support/repository';

/**
 * apso as a team installs it, far from this repository: `npm pack` of the generator, the tarball
 * installed into an empty folder, `npx apso generate` there, the project's own `npm install`, a schema
 * edit and `npm run generate`, then build, migrate, boot and CRUD over HTTP.
 */
const work = mkdtempSync(join(tmpdir(), 'apso-installed-'));
const project = join(work, 'service');

after(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const blog = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'golden', 'blog', 'schema.apso.json'), 'utf8')) as {
  $schema?: string;
  entities: unknown[];
};
const { $schema: _pointsIntoTheRepository, ...schema } = blog;
const NOTE = { name: 'Note', fields: [{ name: 'body', type: 'text' }] };

describe('apso installed from its packed tarball', () => {
  test('generates, installs, regenerates after a schema edit, builds, migrates and serves', async (t) => {
    const [packed] = JSON.parse(
      run('npm', ['pack', '--pack-destination', work, '--json', '--loglevel=error'], join(REPO_ROOT, 'generator')),
    ) as { filename: string; size: number; unpackedSize: number }[];
    t.diagnostic(`apso tarball: ${packed.filename}, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
    assert.equal(existsSync(join(REPO_ROOT, 'generator', 'platform')), false, 'the bundle is removed after packing');

    mkdirSync(project);
    // Packages come from npm's cache when `npm ci` of apso has just filled it; the registry otherwise.
    run('npm', ['install', '--save-dev', '--prefer-offline', '--loglevel=error', join(work, packed.filename)], project);
    assert.equal(
      existsSync(join(project, 'node_modules', 'tsx')),
      false,
      'the apso command needs no TypeScript loader',
    );
    writeFileSync(join(project, 'schema.apso.json'), JSON.stringify(schema, null, 2));
    run('npx', ['--no-install', 'apso', 'generate'], project);
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    assert.equal(manifest.scripts.generate, 'apso generate');
    assert.match(manifest.devDependencies.apso, /^file:/, 'the tarball stays the apso the project regenerates with');

    run('npm', ['install', '--prefer-offline', '--loglevel=error'], project);
    writeFileSync(
      join(project, 'schema.apso.json'),
      JSON.stringify({ ...schema, entities: [...schema.entities, NOTE] }),
    );
    run('npm', ['run', 'generate', '--silent'], project);
    assert.match(readFileSync(join(project, 'src/migrations/0002-apso-schema.ts'), 'utf8'), /CREATE TABLE "notes"/);

    // The installed apso and this repository's generator agree on every byte of the project.
    const { model, changes } = await generate({
      schemaPath: join(project, 'schema.apso.json'),
      outDir: project,
      check: true,
    });
    assert.deepEqual(
      changes.changes.map((change) => `${change.kind} ${change.path}`),
      [],
    );

    run('npm', ['run', 'build', '--silent'], project);
    await smokeBuiltProject(project, model, { databasePrefix: 'apso_installed', redisDatabase: 12 });

    // The project's Dockerfile, its runtime stage replayed without Docker: production dependencies
    // from the project's lock file alone run the migrations and the API.
    const image = replayRuntimeStage(project, join(work, 'image'));
    assert.equal(existsSync(join(image, 'node_modules', 'typescript')), false, 'no dev dependency in the image');
    await smokeBuiltProject(image, model, { databasePrefix: 'apso_installed_image', redisDatabase: 12 });
  });
});
