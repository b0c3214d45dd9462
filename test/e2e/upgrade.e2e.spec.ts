import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generate } from '../../generator/src/pipeline';
import { smokeBuiltProject } from '../support/crud-smoke';
import { REPO_ROOT } from '../support/repository';

/**
 * The promise of the generation gap, tested: a later apso may change what the generated bases inject
 * and how the feature is wired, and a project's user-owned files (written once, never again) still
 * compile under strict and the app still boots and serves. The project lives inside this repository
 * so it compiles against the packages installed here.
 */
const project = join(REPO_ROOT, 'test', '.tmp', 'upgrade');
const NOTE = { name: 'Note', fields: [{ name: 'body', type: 'text' }] };
const USER_FILES = ['note.service.ts', 'note.controller.ts', 'note.module.ts'].map(
  (name) => `src/modules/note/${name}`,
);

const read = (path: string) => readFileSync(join(project, path), 'utf8');

/** Rewrites an apso-owned file as a later apso would; each edit must apply, so the change cannot silently vanish. */
function rewriteOwned(path: string, edits: [string, string][]): void {
  let content = read(path);
  for (const [from, to] of edits) {
    assert.ok(content.includes(from), `${path} no longer contains:\n${from}`);
    content = content.replace(from, to);
  }
  writeFileSync(join(project, path), content);
}

/**
 * What the later apso changes: the feature module provides a new injectable, the service context
 * injects it and the service base uses it on every create, and the controller base injects it too.
 */
function applyLaterApso(): void {
  rewriteOwned('src/modules/note/generated/note.feature.ts', [
    [
      '/** Everything NoteServiceBase',
      '@Injectable()\nexport class NoteAudit {\n  readonly created: string[] = [];\n}\n\n/** Everything NoteServiceBase',
    ],
    ['    readonly cache: EntityCache,\n', '    readonly cache: EntityCache,\n    readonly audit: NoteAudit,\n'],
    ['  providers: [NoteServiceContext],', '  providers: [NoteAudit, NoteServiceContext],'],
    ['  exports: [NoteServiceContext],', '  exports: [NoteAudit, NoteServiceContext],'],
  ]);
  rewriteOwned('src/modules/note/generated/note.service.base.ts', [
    [
      '  constructor(context: NoteServiceContext) {\n    super(context);\n  }\n',
      [
        '  constructor(private readonly context: NoteServiceContext) {',
        '    super(context);',
        '  }',
        '',
        '  override async create(input: object): Promise<Note> {',
        '    const created = await super.create(input);',
        '    this.context.audit.created.push(created.id);',
        '    return created;',
        '  }',
      ].join('\n') + '\n',
    ],
  ]);
  rewriteOwned('src/modules/note/generated/note.controller.base.ts', [
    [
      "import { NoteService } from '../note.service';",
      "import { NoteService } from '../note.service';\nimport { NoteAudit } from './note.feature';",
    ],
    [
      'constructor(protected readonly service: NoteService) {}',
      'constructor(\n    protected readonly service: NoteService,\n    protected readonly audit: NoteAudit,\n  ) {}',
    ],
  ]);
}

function tsc(...args: string[]) {
  return spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], {
    cwd: project,
    encoding: 'utf8',
  });
}

describe('upgrading apso', () => {
  test('a change to what the bases inject reaches the project; the user-owned files compile and run untouched', async () => {
    rmSync(project, { recursive: true, force: true });
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'schema.apso.json'), JSON.stringify({ name: 'upgrade', entities: [NOTE] }));
    const { model } = await generate({ schemaPath: join(project, 'schema.apso.json'), outDir: project });
    const userFiles = USER_FILES.map(read);

    applyLaterApso();
    assert.deepEqual(USER_FILES.map(read), userFiles);
    const build = tsc('-p', 'tsconfig.build.json');
    assert.equal(build.status, 0, `the project no longer compiles:\n${build.stdout}${build.stderr}`);

    // The control: a user controller that restated the base constructor, as apso wrote them before, breaks.
    writeFileSync(
      join(project, 'src', 'restated-constructor.ts'),
      [
        "import { NoteControllerBase } from './modules/note/generated/note.controller.base';",
        "import { NoteService } from './modules/note/note.service';",
        'export class RestatedNoteController extends NoteControllerBase {',
        '  constructor(service: NoteService) {',
        '    super(service);',
        '  }',
        '}',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.control.json'),
      JSON.stringify({ extends: './tsconfig.json', include: ['src/restated-constructor.ts'] }),
    );
    const control = tsc('-p', 'tsconfig.control.json', '--noEmit');
    assert.match(control.stdout, /restated-constructor\.ts\(5,5\): error TS2554: Expected 2 arguments, but got 1/);

    await smokeBuiltProject(project, model, { databasePrefix: 'apso_upgrade', redisDatabase: 14 });
  });
});
