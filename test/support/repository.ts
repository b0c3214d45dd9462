import { join, resolve } from 'node:path';

/** The root of apso's repository: the example backend, with the generator package in generator/. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** The compiled `apso` command, as `npm install apso` gives it to a user (scripts/test.mjs builds it first). */
export const APSO_BIN = join(REPO_ROOT, 'generator', 'bin', 'apso.js');
