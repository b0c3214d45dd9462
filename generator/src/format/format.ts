import { createHash } from 'node:crypto';
import { version as BIOME_VERSION } from '@biomejs/biome/package.json';
import * as prettier from 'prettier';
import type { PlannedFile } from '../plan/plan';
import { formatWithBiome } from './biome';
import { PRETTIER_OPTIONS } from './style';

/**
 * Prettier's parser per kind of file. TypeScript and JSON are printed by Biome (see biome.ts), and by
 * prettier only to name the file Biome could not parse; Markdown (a README) by prettier.
 */
const PARSERS: Record<string, string> = { '.ts': 'babel-ts', '.json': 'json', '.md': 'markdown' };

export interface FormattedFile extends PlannedFile {
  /** Identifies the unformatted content and the formatter: equal hashes mean equal formatted bytes. */
  readonly sourceHash: string;
}

/** Everything that decides formatted bytes besides the source: the formatters' versions and apso's options. */
const FORMATTER_ID = `prettier ${prettier.version} biome ${BIOME_VERSION} ${JSON.stringify(PRETTIER_OPTIONS)} ${JSON.stringify(PARSERS)}`;

export function sourceHash(content: string): string {
  return createHash('sha256').update(FORMATTER_ID).update('\0').update(content).digest('hex');
}

/**
 * Formats the planned files. `previous` returns the formatted bytes a file already has on disk when
 * they provably came from the same source (see the manifest), or undefined; those are not formatted again.
 */
export async function formatFiles(
  files: readonly PlannedFile[],
  previous: (file: PlannedFile, hash: string) => string | undefined = () => undefined,
): Promise<FormattedFile[]> {
  const entries = files.map((file) => {
    const hash = sourceHash(file.content);
    return { file, hash, parser: parserOf(file.path), known: previous(file, hash) };
  });
  const pending = entries.filter((entry) => entry.known === undefined && entry.parser !== undefined);
  const outputs = await formatJobs(
    pending.map(({ file, parser }) => ({ path: file.path, source: file.content, parser: parser! })),
  );
  const formatted = new Map(pending.map((entry, position) => [entry, outputs[position]]));
  return entries.map((entry) => ({
    ...entry.file,
    sourceHash: entry.hash,
    content: entry.known ?? formatted.get(entry) ?? entry.file.content,
  }));
}

interface FormatJob {
  readonly path: string;
  readonly source: string;
  readonly parser: string;
}

/** Biome's extension per prettier parser, for what Biome prints. */
const BIOME_EXTENSIONS: Record<string, string> = { 'babel-ts': 'ts', json: 'json' };

/** TypeScript and JSON in one Biome run, the rest with prettier; everything with prettier when Biome refuses the batch, so prettier names the broken file. */
async function formatJobs(jobs: readonly FormatJob[]): Promise<string[]> {
  const forBiome = jobs.filter((job) => BIOME_EXTENSIONS[job.parser] !== undefined);
  const printed =
    forBiome.length === 0
      ? []
      : await formatWithBiome(
          forBiome.map((job) => ({ source: job.source, extension: BIOME_EXTENSIONS[job.parser] })),
          PRETTIER_OPTIONS,
        );
  if (printed === undefined) return Promise.all(jobs.map(formatWithPrettier));
  const byBiome = new Map(forBiome.map((job, position) => [job, printed[position]]));
  return Promise.all(jobs.map((job) => byBiome.get(job) ?? formatWithPrettier(job)));
}

function parserOf(path: string): string | undefined {
  return PARSERS[path.slice(path.lastIndexOf('.'))];
}

async function formatWithPrettier({ path, source, parser }: FormatJob): Promise<string> {
  try {
    return await prettier.format(source, { ...PRETTIER_OPTIONS, parser });
  } catch (error) {
    // A syntax error here is a bug in an emitter: name the file so it can be found.
    throw new Error(`apso produced invalid ${parser} for ${path}: ${(error as Error).message}`);
  }
}
