/**
 * The project's package.json. A new project gets the whole file; a repository that already has one
 * (`npm install --save-dev apso` first, then `npx apso generate`) keeps it as written, and apso only adds
 * what the generated code cannot run without: missing dependencies at the versions apso is tested with,
 * and missing scripts. Versions and scripts the user already has are never changed.
 */
export interface PackageJsonContent {
  readonly name: string;
  readonly scripts: Readonly<Record<string, string>>;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

const MERGED_SECTIONS = ['scripts', 'dependencies', 'devDependencies'] as const;

export function newPackageJson(content: PackageJsonContent): Record<string, unknown> {
  return {
    name: content.name,
    version: '0.1.0',
    private: true,
    scripts: content.scripts,
    engines: { node: '>=20.19' },
    dependencies: sortedByName(content.dependencies),
    devDependencies: sortedByName(content.devDependencies),
  };
}

/**
 * `current` with what `required` adds; `current` unchanged (the same string) when nothing is missing.
 * Throws a sentence naming the problem when `current` is not a JSON object.
 */
export function mergePackageJson(current: string, required: PackageJsonContent): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(current);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message}); fix it and run apso again`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('must hold a JSON object');
  }
  const merged: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
  let added = false;
  for (const section of MERGED_SECTIONS) {
    const existing = merged[section];
    if (existing !== undefined && (existing === null || typeof existing !== 'object' || Array.isArray(existing))) {
      throw new Error(`"${section}" must be an object`);
    }
    const have = (existing ?? {}) as Record<string, string>;
    const missing = Object.entries(required[section]).filter(([name]) => !(name in have));
    if (missing.length === 0) continue;
    added = true;
    const combined = { ...have, ...Object.fromEntries(missing) };
    // npm keeps dependency lists sorted by name; scripts stay in the order the user wrote them.
    merged[section] = section === 'scripts' ? combined : sortedByName(combined);
  }
  return added ? `${JSON.stringify(merged, null, indentOf(current))}\n` : current;
}

function sortedByName(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The indentation the file already uses (npm's is two spaces), so an addition does not reformat it. */
function indentOf(text: string): string | number {
  const indented = /\n([ \t]+)"/.exec(text);
  return indented ? indented[1] : 2;
}
