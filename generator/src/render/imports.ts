/**
 * Collects the names a file uses per module and prints sorted, de-duplicated import lines,
 * so no emitter writes an import by hand.
 */
export class ImportSet {
  private readonly modules = new Map<string, { names: Set<string>; types: Set<string> }>();

  add(from: string, ...names: string[]): this {
    for (const name of names) this.entry(from).names.add(name);
    return this;
  }

  /** Imports `name` under another local name (`Post as PostEntity`). */
  addAs(from: string, name: string, local: string): this {
    return this.add(from, name === local ? name : `${name} as ${local}`);
  }

  addType(from: string, ...names: string[]): this {
    for (const name of names) this.entry(from).types.add(name);
    return this;
  }

  render(): string {
    const packages = [...this.modules.keys()].filter((from) => !from.startsWith('.')).sort();
    const relative = [...this.modules.keys()].filter((from) => from.startsWith('.')).sort();
    return [...packages, ...relative].map((from) => this.line(from)).join('\n');
  }

  private line(from: string): string {
    const { names, types } = this.modules.get(from)!;
    const onlyTypes = names.size === 0;
    const specifiers = [
      ...[...names].map((name) => ({ name, text: name })),
      ...[...types]
        .filter((name) => !names.has(name))
        .map((name) => ({ name, text: onlyTypes ? name : `type ${name}` })),
    ].sort((a, b) => a.name.localeCompare(b.name));
    return `import ${onlyTypes ? 'type ' : ''}{ ${specifiers.map((specifier) => specifier.text).join(', ')} } from '${from}';`;
  }

  private entry(from: string) {
    let entry = this.modules.get(from);
    if (!entry) {
      entry = { names: new Set(), types: new Set() };
      this.modules.set(from, entry);
    }
    return entry;
  }
}

/** Joins the blocks of a file with one blank line, dropping empty ones. */
export function joinBlocks(...blocks: (string | undefined | false)[]): string {
  return `${blocks.filter((block): block is string => Boolean(block && block.trim())).join('\n\n')}\n`;
}

/** A JS string literal in single quotes. */
export function str(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** An object literal from entries whose values are already source text; undefined entries are left out. */
export function objectLiteral(entries: Record<string, string | undefined>): string {
  const parts = Object.entries(entries)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : str(key)}: ${value}`);
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}

export function jsDoc(text: string | undefined, indent = ''): string | undefined {
  if (!text) return undefined;
  const lines = text.replace(/\*\//g, '*\\/').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */`;
  return [`${indent}/**`, ...lines.map((line) => `${indent} * ${line}`.trimEnd()), `${indent} */`].join('\n');
}
