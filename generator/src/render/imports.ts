import { pascalCase } from '../model/naming';

interface Binding {
  readonly from: string;
  readonly name: string;
  /** Used as a value somewhere in the file (else `import type`). */
  value: boolean;
  readonly reference: string;
}

/** Marks a reference to an imported name in a file's text until `file()` knows its final local name. */
const MARK = '\u0000';
let nextReference = 0;

/**
 * The imports of one file, and the final local name of everything it imports. Emitters never write
 * an imported name themselves: they ask for a reference (`imports.value('@nestjs/common', 'Post')`),
 * write that into the text, and `file()` prints sorted, de-duplicated import lines and replaces each
 * reference with its local name. Because names are settled only once the whole file is known, a
 * clash is resolved the same way whatever order the emitters asked in:
 * - names the file declares itself (its classes and constants) are never renamed;
 * - then package imports keep their names, then the project's own files (the platform, the entity);
 * - a name already taken is aliased after where it comes from: `Post as PostEntity` for the entity
 *   file `./post.entity`, `Column as TypeormColumn` for the package `typeorm`.
 * So no list of framework names to avoid is needed: a new decorator is just one more import.
 */
export class ImportSet {
  private readonly bindings = new Map<string, Binding>();
  private readonly declared: ReadonlySet<string>;

  /** `declared`: every top-level name the file itself declares. */
  constructor(declared: Iterable<string> = []) {
    this.declared = new Set(declared);
  }

  /** Imports a value (class, decorator, constant, function); returns what to write where the file uses it. */
  value(from: string, name: string): string {
    return this.bind(from, name, true);
  }

  /** Imports a name used only in type positions (printed as `import type` when nothing else needs the module). */
  type(from: string, name: string): string {
    return this.bind(from, name, false);
  }

  /** Several values of one module: `const { Get, Post } = imports.values('@nestjs/common', 'Get', 'Post')`. */
  values<const Name extends string>(from: string, ...names: Name[]): Record<Name, string> {
    return Object.fromEntries(names.map((name) => [name, this.value(from, name)])) as Record<Name, string>;
  }

  /** The whole file: the header, the import lines, then the blocks (empty ones dropped) with every reference resolved. */
  file(header: string | undefined, ...blocks: (string | undefined | false)[]): string {
    const locals = this.resolveLocals();
    const body = joinBlocks(header, this.importLines(locals), ...blocks);
    const resolved = body.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (reference) => {
      const local = locals.get(reference);
      if (local === undefined) throw new Error('an emitter used a name imported for another file');
      return local;
    });
    if (resolved.includes(MARK)) throw new Error('an emitter wrote a malformed import reference');
    return resolved;
  }

  private bind(from: string, name: string, value: boolean): string {
    const key = `${from}\n${name}`;
    let binding = this.bindings.get(key);
    if (!binding) {
      binding = { from, name, value, reference: `${MARK}${nextReference++}${MARK}` };
      this.bindings.set(key, binding);
    }
    binding.value ||= value;
    return binding.reference;
  }

  /** reference → local name, by the precedence in the class comment. */
  private resolveLocals(): Map<string, string> {
    const taken = new Set(this.declared);
    const locals = new Map<string, string>();
    const ordered = [...this.bindings.values()].sort(
      (a, b) =>
        Number(isRelative(a.from)) - Number(isRelative(b.from)) || compare(a.from, b.from) || compare(a.name, b.name),
    );
    for (const binding of ordered) {
      let local = binding.name;
      if (taken.has(local)) local = aliasOf(binding);
      for (let n = 2; taken.has(local); n++) local = `${aliasOf(binding)}${n}`;
      taken.add(local);
      locals.set(binding.reference, local);
    }
    return locals;
  }

  private importLines(locals: ReadonlyMap<string, string>): string {
    const modules = [...new Set([...this.bindings.values()].map((binding) => binding.from))].sort(
      (a, b) => Number(isRelative(a)) - Number(isRelative(b)) || compare(a, b),
    );
    return modules
      .map((from) => {
        const bindings = [...this.bindings.values()]
          .filter((binding) => binding.from === from)
          .sort((a, b) => a.name.localeCompare(b.name));
        const onlyTypes = bindings.every((binding) => !binding.value);
        const specifiers = bindings.map((binding) => {
          const local = locals.get(binding.reference)!;
          const specifier = local === binding.name ? local : `${binding.name} as ${local}`;
          return binding.value || onlyTypes ? specifier : `type ${specifier}`;
        });
        return `import ${onlyTypes ? 'type ' : ''}{ ${specifiers.join(', ')} } from '${from}';`;
      })
      .join('\n');
  }
}

const isRelative = (from: string): boolean => from.startsWith('.');
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `Post` from `./post.entity` → `PostEntity`; `Column` from `typeorm` → `TypeormColumn`. */
function aliasOf({ from, name }: Binding): string {
  const base = from.slice(from.lastIndexOf('/') + 1);
  if (!isRelative(from)) return `${pascalCase(base)}${name}`;
  const kind = base.includes('.') ? base.slice(base.indexOf('.') + 1) : base;
  return `${name}${pascalCase(kind.replace(/\./g, '-'))}`;
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
