#!/usr/bin/env node
/**
 * Run by `npm pack` (prepack; postpack with --remove): copies the runtime platform, whose source of
 * truth is the example backend's src/platform beside this package, into platform/ with the package
 * versions it is tested with, so an installed apso can give every project the same runtime.
 * The copy exists only while packing, so apso in its own repository always reads the source.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const packageRoot = resolve(import.meta.dirname, '..');
const bundle = join(packageRoot, 'platform');
rmSync(bundle, { recursive: true, force: true });
if (!process.argv.includes('--remove')) {
  const repository = resolve(packageRoot, '..');
  const { runtimeVersions } = await import(
    pathToFileURL(join(packageRoot, 'dist', 'runtime', 'runtime-source.js')).href
  );
  mkdirSync(bundle, { recursive: true });
  cpSync(join(repository, 'src', 'platform'), bundle, {
    recursive: true,
    filter: (source) => !source.endsWith('.spec.ts'),
  });
  const example = JSON.parse(readFileSync(join(repository, 'package.json'), 'utf8'));
  writeFileSync(join(bundle, 'versions.json'), `${JSON.stringify(runtimeVersions(example), null, 2)}\n`);
}
