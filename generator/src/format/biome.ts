import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Options } from 'prettier';

/*
 * Biome's native formatter, set up to print what prettier prints with apso's options. Prettier takes
 * about 4 ms a TypeScript file (8 s of a 200-entity run, 1,863 files, and a second thread does not help
 * on two cores: its garbage collector already uses the other one) and a second for that run's
 * database-state.json; Biome formats them all in about one second, in one process, and its bytes were
 * identical on every file measured. The golden and corpus tests hold it to that: they check every
 * TypeScript and JSON file apso writes against prettier.
 */

const BIOME_BIN = require.resolve('@biomejs/biome/bin/biome');
const run = promisify(execFile);

/** Biome's configuration for prettier's options, as apso pins them. */
export function biomeConfiguration(options: Options) {
  return {
    vcs: { enabled: false },
    files: { ignoreUnknown: true },
    linter: { enabled: false },
    assist: { enabled: false },
    formatter: {
      indentStyle: options.useTabs ? 'tab' : 'space',
      indentWidth: options.tabWidth,
      lineWidth: options.printWidth,
      lineEnding: options.endOfLine,
    },
    javascript: {
      parser: { unsafeParameterDecoratorsEnabled: true },
      formatter: {
        quoteStyle: options.singleQuote ? 'single' : 'double',
        trailingCommas: options.trailingComma,
        semicolons: options.semi ? 'always' : 'asNeeded',
        arrowParentheses: options.arrowParens === 'avoid' ? 'asNeeded' : 'always',
      },
    },
  };
}

export interface BiomeSource {
  readonly source: string;
  /** `ts` or `json`: tells Biome the language. */
  readonly extension: string;
}

/**
 * Formats sources in one Biome run; outputs in the order of `sources`. Undefined when Biome refuses
 * the batch (a syntax error in some source), so the caller can find and name the file.
 */
export async function formatWithBiome(
  sources: readonly BiomeSource[],
  options: Options,
): Promise<string[] | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'apso-format-'));
  try {
    writeFileSync(join(dir, 'biome.json'), JSON.stringify(biomeConfiguration(options)));
    mkdirSync(join(dir, 'src'));
    const names = sources.map(({ extension }, index) => join(dir, 'src', `${index}.${extension}`));
    sources.forEach(({ source }, index) => writeFileSync(names[index], source));
    try {
      await run(process.execPath, [BIOME_BIN, 'format', '--write', '--colors=off', 'src'], {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch {
      return undefined;
    }
    return names.map((name) => readFileSync(name, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
