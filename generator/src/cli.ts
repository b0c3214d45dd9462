import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { apiKeyCommand, API_KEY_USAGE } from './api-key/command';
import { DatabaseStateError } from './database/upgrade';
import { generate } from './pipeline';
import { PROPERTY_NAMES, type PropertyNames } from './schema/document';
import { UnsupportedChangeError } from './render/sql/migrations';
import { formatDiagnostic, SchemaError } from './validate/diagnostic';
import { ProjectFileError } from './write/changes';

const USAGE = `Usage: apso generate [--schema FILE] [--out DIR] [--naming NAMES] [--check] [--force] [--allow-drop]

  --schema FILE  schema.apso.json (default) or an APSO CLI .apsorc file
  --naming NAMES .apsorc only: asWritten (default) keeps field names as the file writes them, as the
                 APSO CLI's backend did (first_name, created_at); camelCase renames them (firstName, createdAt)
  --out DIR      project folder to write (default: the current folder)
  --check        write nothing; exit 1 if anything would change
  --force        overwrite generated files that were edited by hand
  --allow-drop   let the new migration drop tables, columns and enum types the schema no longer has

Exit codes: 0 done, 1 changes pending (--check) or hand-edited files in the way, 2 invalid schema, usage or package.json.

${API_KEY_USAGE}`;

/** Argument parsing and exit codes only; the work happens in the pipeline. */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'api-key') return apiKeyCommand(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        schema: { type: 'string', default: 'schema.apso.json' },
        out: { type: 'string', default: '.' },
        check: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        'allow-drop': { type: 'boolean', default: false },
        naming: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`apso: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'generate') {
    process.stderr.write(`apso: expected the command "generate" or "api-key"\n\n${USAGE}\n`);
    return 2;
  }
  const naming = values.naming;
  if (naming !== undefined && !isPropertyNames(naming)) {
    process.stderr.write(
      `apso: --naming must be ${PROPERTY_NAMES.map((name) => `"${name}"`).join(' or ')}, not "${naming}"\n\n${USAGE}\n`,
    );
    return 2;
  }
  try {
    const result = await generate({
      schemaPath: resolve(values.schema),
      outDir: values.out,
      check: values.check,
      force: values.force,
      allowDrop: values['allow-drop'],
      naming,
    });
    for (const warning of result.warnings)
      process.stderr.write(`warning: ${formatDiagnostic(values.schema, warning)}\n`);
    const { changes, conflicts, unchanged, skippedUserFiles } = result.changes;
    if (conflicts.length > 0 && !values.force) {
      process.stderr.write(
        `apso: these generated files were edited by hand; re-run with --force to overwrite them:\n${conflicts.map((path) => `  ${path}\n`).join('')}`,
      );
      return 1;
    }
    if (values.check) {
      if (changes.length === 0) {
        process.stdout.write(`apso: generated output is up to date (${unchanged} files)\n`);
        return 0;
      }
      process.stderr.write(
        `apso: generated output is stale; run \`npx apso generate\`:\n${changes.map((change) => `  ${change.kind} ${change.path}\n`).join('')}`,
      );
      return 1;
    }
    for (const folder of result.orphanedFolders) {
      process.stderr.write(
        `apso: ${folder}/ holds your files for an entity the schema no longer has; delete the folder\n`,
      );
    }
    const counts = ['create', 'update', 'delete'].map(
      (kind) => `${changes.filter((change) => change.kind === kind).length} ${kind}d`,
    );
    process.stdout.write(
      `apso: ${result.model.entities.length} entities; ${counts.join(', ')}, ${unchanged} unchanged; ${skippedUserFiles} of your files left as they are\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof SchemaError) {
      for (const diagnostic of error.diagnostics)
        process.stderr.write(`${formatDiagnostic(values.schema, diagnostic)}\n`);
      process.stderr.write(`apso: ${error.diagnostics.length} problem(s) in ${values.schema}; nothing was written\n`);
      return 2;
    }
    if (error instanceof ProjectFileError || error instanceof DatabaseStateError) {
      process.stderr.write(`apso: ${error.message}\nnothing was written\n`);
      return 2;
    }
    if (error instanceof UnsupportedChangeError) {
      process.stderr.write(`apso: ${error.message}\nnothing was written\n`);
      return 2;
    }
    throw error;
  }
}

function isPropertyNames(value: string): value is PropertyNames {
  return (PROPERTY_NAMES as readonly string[]).includes(value);
}
