import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import * as ts from 'typescript';
import { filesUnder, notASpec } from '../../test/support/files';

/**
 * The generator's layering, checked on its import graph: load → validate → model → plan → render →
 * format → write may only point one way, so no module ever needs a module that needs it back.
 */
const GENERATOR = __dirname;

const sourceFiles = (dir: string) => filesUnder(dir, (name) => name.endsWith('.ts') && notASpec(name));

/** Files of the generator a file imports (type-only imports too: they tie modules together just the same). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier))
    .map((target) => [`${target}.ts`, join(target, 'index.ts')].find((candidate) => existsSync(candidate)))
    .filter((target): target is string => target !== undefined && target.startsWith(GENERATOR));
}

/** Every cycle's files, found by a depth-first walk; each cycle is reported once, from where the walk met it. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const onPath = path.indexOf(file);
    if (onPath >= 0) {
      cycles.push([...path.slice(onPath), file]);
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const target of graph.get(file) ?? []) visit(target);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return cycles;
}

const name = (file: string) => relative(GENERATOR, file);
const graph = new Map(sourceFiles(GENERATOR).map((file) => [file, importsOf(file)]));

describe('the generator import graph', () => {
  test('finds the imports it checks', () => {
    assert.ok(graph.get(join(GENERATOR, 'pipeline.ts'))?.includes(join(GENERATOR, 'plan', 'plan.ts')));
  });

  test('has no import cycle', () => {
    assert.deepEqual(
      findCycles(graph).map((cycle) => cycle.map(name).join(' → ')),
      [],
    );
  });

  test('render/ never imports plan/: the planner depends on the artifacts, not the other way', () => {
    const upward = [...graph]
      .filter(([file]) => name(file).startsWith('render/'))
      .flatMap(([file, targets]) =>
        targets.filter((target) => name(target).startsWith('plan/')).map((target) => `${name(file)} → ${name(target)}`),
      );
    assert.deepEqual(upward, []);
  });
});
