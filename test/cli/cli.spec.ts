import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hashOf } from '../../generator/src/write/manifest';
import { APSO_BIN, REPO_ROOT } from '../support/repository';

/** `apso generate` as a user runs it: exit codes, messages, and what ends up on disk. */
const TMP = join(REPO_ROOT, 'test', '.tmp', 'cli');
const apso = (...args: string[]) => spawnSync(process.execPath, [APSO_BIN, ...args], { cwd: TMP, encoding: 'utf8' });
const schema = (entities: unknown[]) => JSON.stringify({ name: 'cli-test', entities }, null, 2);
const NOTE = { name: 'Note', fields: [{ name: 'body', type: 'text' }] };
const TAG = { name: 'Tag', fields: [{ name: 'label', type: 'string' }] };

function freshProject(entities: unknown[]): void {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  writeFileSync(join(TMP, 'schema.apso.json'), schema(entities));
}

describe('apso generate', () => {
  test('an invalid schema: every problem, exit 2, nothing written', () => {
    freshProject([{ name: 'note', fields: [{ name: 'body', type: 'txt' }] }]);
    const run = apso('generate');
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /schema\.apso\.json: \/entities\/0\/fields\/0\/type: unknown type "txt"; did you mean "text"\?/,
    );
    assert.match(run.stderr, /\/entities\/0\/name: "note" must be PascalCase/);
    assert.match(run.stderr, /nothing was written/);
    assert.equal(existsSync(join(TMP, 'src')), false);
  });

  test('--naming: only asWritten or camelCase, only for an .apsorc; each mistake is exit 2 naming the flag', () => {
    freshProject([NOTE]);
    const wrongValue = apso('generate', '--naming', 'snake');
    assert.equal(wrongValue.status, 2);
    assert.match(wrongValue.stderr, /--naming must be "camelCase" or "asWritten", not "snake"/);
    const notApsorc = apso('generate', '--naming', 'camelCase');
    assert.equal(notApsorc.status, 2);
    assert.match(notApsorc.stderr, /--naming applies to an \.apsorc file; in schema\.apso\.json set "api"/);
    assert.equal(existsSync(join(TMP, 'src')), false);
  });

  test('an .apsorc with --naming camelCase: the converted schema keeps the choice for the next `apso generate`', () => {
    freshProject([NOTE]);
    rmSync(join(TMP, 'schema.apso.json'));
    writeFileSync(
      join(TMP, 'shop.apsorc'),
      JSON.stringify({ version: 2, entities: [{ name: 'Product', fields: [{ name: 'first_name', type: 'text' }] }] }),
    );
    const run = apso('generate', '--schema', 'shop.apsorc', '--naming', 'camelCase');
    assert.equal(run.status, 0, run.stderr);
    const converted = JSON.parse(readFileSync(join(TMP, 'schema.apso.json'), 'utf8'));
    assert.equal(converted.api.propertyNames, 'camelCase');
    assert.equal(converted.entities[0].fields[0].name, 'firstName');
    const again = apso('generate', '--check');
    assert.equal(again.status, 0, again.stderr);
  });

  test('.apsorc auth: a session-database provider stops generation (exit 2); Auth0 and scopeBy become auth and scope', () => {
    freshProject([NOTE]);
    rmSync(join(TMP, 'schema.apso.json'));
    const apsorc = (auth: object) =>
      JSON.stringify({
        version: 2,
        auth,
        entities: [
          { name: 'Workspace' },
          { name: 'Project', scopeBy: 'workspaceId', fields: [{ name: 'title', type: 'text' }] },
        ],
        relationships: [{ from: 'Project', to: 'Workspace', type: 'ManyToOne' }],
      });
    writeFileSync(join(TMP, 'saas.apsorc'), apsorc({ provider: 'better-auth' }));
    const refused = apso('generate', '--schema', 'saas.apsorc');
    assert.equal(refused.status, 2);
    assert.match(
      refused.stderr,
      /saas\.apsorc: \/auth\/provider: the "better-auth" provider keeps sessions in the service's own database, which apso does not generate/,
    );
    assert.equal(existsSync(join(TMP, 'src')), false);
    assert.equal(existsSync(join(TMP, 'schema.apso.json')), false);

    const issuer = 'https://acme.eu.auth0.com/';
    writeFileSync(
      join(TMP, 'saas.apsorc'),
      apsorc({
        provider: 'auth0',
        jwt: { issuer, audience: 'https://api.acme.com' },
        claims: { organizationId: 'org_id' },
      }),
    );
    const run = apso('generate', '--schema', 'saas.apsorc');
    assert.equal(run.status, 0, run.stderr);
    const converted = JSON.parse(readFileSync(join(TMP, 'schema.apso.json'), 'utf8'));
    assert.deepEqual(converted.auth, {
      jwt: { issuer, audience: 'https://api.acme.com', jwksUrl: `${issuer}.well-known/jwks.json` },
    });
    assert.deepEqual(converted.entities[1].scope, { by: 'workspace', claim: 'org_id' });
    assert.match(
      readFileSync(join(TMP, 'src/generated/auth.ts'), 'utf8'),
      /issuer: 'https:\/\/acme\.eu\.auth0\.com\/',\s+audience: 'https:\/\/api\.acme\.com',\s+jwksUrl: 'https:\/\/acme\.eu\.auth0\.com\/\.well-known\/jwks\.json'/,
    );
  });

  test('generate, then --check is clean; a schema change makes --check fail until regenerated', () => {
    freshProject([NOTE]);
    assert.equal(apso('generate').status, 0);
    const check = apso('generate', '--check');
    assert.equal(check.status, 0, check.stderr);

    writeFileSync(join(TMP, 'schema.apso.json'), schema([NOTE, TAG]));
    const stale = apso('generate', '--check');
    assert.equal(stale.status, 1);
    assert.match(stale.stderr, /create src\/modules\/tag\/generated\/tag\.entity\.ts/);
    assert.match(stale.stderr, /create src\/migrations\/0002-apso-schema\.ts/);
    assert.equal(existsSync(join(TMP, 'src/modules/tag')), false, '--check writes nothing');

    assert.equal(apso('generate').status, 0);
    assert.equal(apso('generate', '--check').status, 0);
    assert.match(readFileSync(join(TMP, 'src/migrations/0002-apso-schema.ts'), 'utf8'), /CREATE TABLE "tags"/);
  });

  test('hand edits: owned files are protected without --force, user files are never overwritten', () => {
    freshProject([NOTE]);
    assert.equal(apso('generate').status, 0);
    const owned = join(TMP, 'src/modules/note/generated/note.entity.ts');
    const userOwned = join(TMP, 'src/modules/note/note.service.ts');
    writeFileSync(owned, `${readFileSync(owned, 'utf8')}// my change\n`);
    writeFileSync(userOwned, '// my service\n');

    const blocked = apso('generate');
    assert.equal(blocked.status, 1);
    assert.match(blocked.stderr, /src\/modules\/note\/generated\/note\.entity\.ts/);
    assert.match(readFileSync(owned, 'utf8'), /my change/, 'left alone without --force');

    assert.equal(apso('generate', '--force').status, 0);
    assert.doesNotMatch(readFileSync(owned, 'utf8'), /my change/);
    assert.equal(readFileSync(userOwned, 'utf8'), '// my service\n');
  });

  test('a database state an older apso wrote without a version is upgraded: rewritten as version 2, migrating only the tables the platform gained since', () => {
    freshProject([NOTE]);
    assert.equal(apso('generate').status, 0);
    // What apso wrote for this schema before the state had a version, recorded in the manifest as its own.
    const firstFormat = `${JSON.stringify(
      {
        enums: {},
        tables: {
          notes: {
            columns: [
              ['id', 'uuid NOT NULL DEFAULT gen_random_uuid()'],
              ['body', 'text NOT NULL'],
              ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
              ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
            ],
            primaryKey: { name: 'notes_pkey', columns: ['id'] },
          },
        },
        indexes: {
          notes_created_at_idx: {
            table: 'notes',
            sql: 'CREATE INDEX "notes_created_at_idx" ON "notes" ("created_at")',
          },
        },
        foreignKeys: {},
      },
      null,
      2,
    )}\n`;
    writeFileSync(join(TMP, '.apso/database-state.json'), firstFormat);
    const manifestPath = join(TMP, '.apso/manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<'files' | 'sources', object>;
    const { ['.apso/database-state.json']: _written, ...sources } = manifest.sources as Record<string, string>;
    const files = { ...manifest.files, '.apso/database-state.json': hashOf(firstFormat) };
    writeFileSync(manifestPath, `${JSON.stringify({ files, sources }, null, 2)}\n`);

    const check = apso('generate', '--check');
    assert.equal(check.status, 1);
    assert.deepEqual(
      check.stderr.split('\n').filter((line) => line.startsWith('  ')),
      [
        '  update .apso/database-state.json',
        '  update src/generated/migrations.ts',
        '  create src/migrations/0002-apso-schema.ts',
        '  update .apso/manifest.json',
      ],
    );
    const upgrade = apso('generate');
    assert.equal(upgrade.status, 0, upgrade.stderr);
    assert.deepEqual(readdirSync(join(TMP, 'src/migrations')), ['0001-apso-schema.ts', '0002-apso-schema.ts']);
    // That older apso had no outbox of cache invalidations; the notes table is as it was.
    const second = readFileSync(join(TMP, 'src/migrations/0002-apso-schema.ts'), 'utf8');
    assert.match(second, /CREATE TABLE "apso_cache_invalidations"/);
    assert.doesNotMatch(second, /"notes"/);
    assert.equal(JSON.parse(readFileSync(join(TMP, '.apso/database-state.json'), 'utf8')).version, 2);
    assert.equal(apso('generate', '--check').status, 0);
  });

  test('a database state from a newer apso: a clear error naming the file, exit 2, nothing written', () => {
    freshProject([NOTE]);
    assert.equal(apso('generate').status, 0);
    writeFileSync(join(TMP, '.apso/database-state.json'), JSON.stringify({ version: 3 }));
    writeFileSync(join(TMP, 'schema.apso.json'), schema([NOTE, TAG]));
    const run = apso('generate');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /\.apso\/database-state\.json: version 3 was written by a newer apso/);
    assert.match(run.stderr, /nothing was written/);
    assert.equal(existsSync(join(TMP, 'src/modules/tag')), false);
  });

  test('removing an entity needs --allow-drop; then its owned files go, its user files and migrations stay', () => {
    freshProject([NOTE, TAG]);
    assert.equal(apso('generate').status, 0);
    writeFileSync(join(TMP, 'schema.apso.json'), schema([NOTE]));
    const refused = apso('generate');
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /table "tags" was removed \(pass --allow-drop/);
    assert.equal(existsSync(join(TMP, 'src/modules/tag/generated/tag.entity.ts')), true, 'nothing was written');

    const dropped = apso('generate', '--allow-drop');
    assert.equal(dropped.status, 0);
    assert.match(dropped.stderr, /src\/modules\/tag\/ holds your files for an entity the schema no longer has/);
    assert.equal(existsSync(join(TMP, 'src/modules/tag/generated')), false);
    assert.equal(existsSync(join(TMP, 'src/modules/tag/tag.service.ts')), true);
    assert.match(readFileSync(join(TMP, 'src/migrations/0002-apso-schema.ts'), 'utf8'), /DROP TABLE "tags"/);
    assert.doesNotMatch(readFileSync(join(TMP, 'src/generated/modules.ts'), 'utf8'), /TagModule/);
  });

  test("an existing package.json gains the project's dependencies and scripts; a broken one stops the run", () => {
    freshProject([NOTE]);
    const mine = { name: 'team-repo', scripts: { build: 'nest build' }, devDependencies: { apso: 'file:../apso.tgz' } };
    writeFileSync(join(TMP, 'package.json'), `${JSON.stringify(mine, null, 2)}\n`);
    assert.equal(apso('generate').status, 0);
    const merged = JSON.parse(readFileSync(join(TMP, 'package.json'), 'utf8')) as typeof mine & {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    assert.equal(merged.name, 'team-repo');
    assert.equal(merged.scripts.build, 'nest build', 'a script the user has is kept');
    assert.equal(merged.scripts.generate, 'apso generate');
    assert.equal(merged.devDependencies.apso, 'file:../apso.tgz');
    assert.ok(merged.dependencies['@nestjs/core'], 'the runtime dependencies are added');
    assert.equal(apso('generate', '--check').status, 0, 'a merged package.json is up to date');

    freshProject([NOTE]);
    writeFileSync(join(TMP, 'package.json'), '{ "name": ');
    const broken = apso('generate');
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /^apso: package\.json: not valid JSON .*\nnothing was written\n$/s);
    assert.equal(existsSync(join(TMP, 'src')), false);
  });
});
