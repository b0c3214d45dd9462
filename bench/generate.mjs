#!/usr/bin/env node
/**
 * Generation time for a large schema: `npm run bench:generate [-- ENTITIES]` (default 200).
 *
 * Writes a schema of ENTITIES entities (eight fields of mixed types, a ManyToOne to the previous entity with its inverse OneToMany,
 * a unique field and an index each) into a temporary folder and times `apso generate --out` there as a
 * user runs it (a fresh process each run): the first run into an empty folder, then a second run with
 * nothing to change. Prints one Markdown table; the folder is removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ENTITIES = Number(process.argv[2] ?? 200);
const APSO_BIN = resolve(import.meta.dirname, '..', 'generator', 'bin', 'apso.js');

function entity(index) {
  const name = `Entity${String(index).padStart(3, '0')}`;
  const fields = [
    { name: 'title', type: 'string', length: 120 },
    { name: 'code', type: 'string', length: 40, unique: true },
    { name: 'body', type: 'text', nullable: true },
    { name: 'amount', type: 'decimal', precision: 12, scale: 2, nullable: true },
    { name: 'quantity', type: 'integer', default: 0 },
    { name: 'active', type: 'boolean', default: true },
    { name: 'dueOn', type: 'date', nullable: true, index: true },
    { name: 'state', type: 'enum', values: ['open', 'closed'], default: 'open' },
  ];
  const relationships =
    index === 0
      ? []
      : [
          {
            name: 'parent',
            type: 'ManyToOne',
            target: `Entity${String(index - 1).padStart(3, '0')}`,
            inverse: 'children',
            nullable: true,
          },
        ];
  return { name, fields, relationships };
}

function timed(args, cwd) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [APSO_BIN, ...args], { cwd, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`apso ${args.join(' ')} failed (${run.status}):\n${run.stdout}${run.stderr}`);
  return { seconds, summary: run.stdout.trim() };
}

const dir = mkdtempSync(join(tmpdir(), 'apso-bench-generate-'));
try {
  const schema = join(dir, 'schema.apso.json');
  writeFileSync(
    schema,
    JSON.stringify({ name: 'bench', entities: Array.from({ length: ENTITIES }, (_, i) => entity(i)) }),
  );
  const out = join(dir, 'out');
  const first = timed(['generate', '--schema', schema, '--out', out], dir);
  const second = timed(['generate', '--schema', schema, '--out', out], dir);
  console.log(`| ${ENTITIES} entities | seconds | apso's summary |\n|---|---|---|`);
  console.log(`| first run, empty folder | ${first.seconds.toFixed(2)} | ${first.summary} |`);
  console.log(`| second run, nothing to change | ${second.seconds.toFixed(2)} | ${second.summary} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
