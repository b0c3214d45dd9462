import { createHash } from 'node:crypto';
import * as prettier from 'prettier';
import type { PlannedFile } from '../plan/plan';
import { PRETTIER_OPTIONS } from './style';

/**
 * babel-ts prints the same bytes as the typescript parser for apso's output (the golden and corpus tests
 * would show a difference) and parses it about a fifth faster.
 */
const PARSERS: Record<string, string> = { '.ts': 'babel-ts', '.json': 'json', '.md': 'markdown' };

export interface FormattedFile extends PlannedFile {
  /** Identifies the unformatted content and the formatter: equal hashes mean equal formatted bytes. */
  readonly sourceHash: string;
}

/** Everything that decides formatted bytes besides the source: prettier's version and apso's options. */
const FORMATTER_ID = `prettier ${prettier.version} ${JSON.stringify(PRETTIER_OPTIONS)} ${JSON.stringify(PARSERS)}`;

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
  const outputs = await Promise.all(pending.map(({ file, parser }) => formatSource(file.path, file.content, parser!)));
  const formatted = new Map(pending.map((entry, position) => [entry, outputs[position]]));
  return entries.map((entry) => ({
    ...entry.file,
    sourceHash: entry.hash,
    content: entry.known ?? formatted.get(entry) ?? entry.file.content,
  }));
}

function parserOf(path: string): string | undefined {
  return PARSERS[path.slice(path.lastIndexOf('.'))];
}

async function formatSource(path: string, source: string, parser: string): Promise<string> {
  try {
    return await prettier.format(source, { ...PRETTIER_OPTIONS, parser });
  } catch (error) {
    // A syntax error here is a bug in an emitter: name the file so it can be found.
    throw new Error(`apso produced invalid ${parser} for ${path}: ${(error as Error).message}`);
  }
}
