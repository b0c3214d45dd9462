#!/usr/bin/env node
// Runs every *.spec.ts under src/ and test/ with node's own test runner (tsx compiles TypeScript).
// Node 20's --test does not expand globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const skip = new Set(['node_modules', 'dist', '.tmp', 'expected']);
function specs(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (skip.has(name)) return [];
      if (statSync(path).isDirectory()) return specs(path);
      return name.endsWith('.spec.ts') ? [path] : [];
    });
}

const filter = process.argv.slice(2);
const files = [...specs('src'), ...specs('test')].filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
