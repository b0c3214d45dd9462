import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './repository';

/** Where CI puts the corpus: shared/corpus/apsorc beside the clone. */
export const DEFAULT_CORPUS_DIR = join(REPO_ROOT, '..', 'shared', 'corpus', 'apsorc');

export interface Corpus {
  readonly dir: string;
  /** node:test options for a suite or test that reads the corpus: skipped with the reason when it is absent, except in CI. */
  readonly options: { readonly skip?: string };
  /** The `.apsorc` file names, sorted; throws when the folder is missing, which outside CI is skipped first. */
  files(): string[];
}

/**
 * The corpus of real `.apsorc` files is not part of the repository: it is read from APSO_CORPUS_DIR,
 * by default from beside the clone. A clone with nothing beside it skips the corpus tests and says
 * why; in CI (`CI` set) a missing corpus fails them instead, so it cannot go unnoticed.
 */
export function openCorpus(env: NodeJS.ProcessEnv): Corpus {
  const dir = resolve(env.APSO_CORPUS_DIR || DEFAULT_CORPUS_DIR);
  const missing = `no .apsorc corpus at ${dir}; set APSO_CORPUS_DIR to a folder of .apsorc files`;
  const inCi = Boolean(env.CI) && env.CI !== 'false';
  return {
    dir,
    options: existsSync(dir) || inCi ? {} : { skip: missing },
    files() {
      if (!existsSync(dir)) throw new Error(`${missing} (CI runs every corpus test)`);
      return readdirSync(dir)
        .filter((name) => name.endsWith('.apsorc'))
        .sort();
    },
  };
}

export const CORPUS = openCorpus(process.env);
