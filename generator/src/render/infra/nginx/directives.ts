/*
 * nginx's configuration language has no YAML, JSON or INI form, so no general serializer writes it.
 * On npm, `nginx-conf` (2.1.0) edits an existing file through a mutable proxy API, and the builders
 * found are unmaintained or unrelated; none builds a file from plain objects. This small typed tree
 * and its one serializer keep the rule that configuration is built as objects and written late:
 * quoting and indentation live here, once, never in a template.
 */

export type NginxArg = string | number;

export type NginxNode =
  | { readonly kind: 'directive'; readonly name: string; readonly args: readonly NginxArg[] }
  | {
      readonly kind: 'block';
      readonly name: string;
      readonly args: readonly NginxArg[];
      readonly children: readonly NginxNode[];
    }
  /** A `#` line: why a setting has its value, for whoever reads the file. */
  | { readonly kind: 'comment'; readonly text: string };

export const directive = (name: string, ...args: NginxArg[]): NginxNode => ({ kind: 'directive', name, args });

export const block = (name: string, args: readonly NginxArg[], children: readonly NginxNode[]): NginxNode => ({
  kind: 'block',
  name,
  args,
  children,
});

/** One comment node per line, so a long explanation stays readable in the file. */
export const comment = (...lines: string[]): NginxNode[] => lines.map((text) => ({ kind: 'comment', text }));

/** The file: top-level nodes, then a final newline. */
export function serializeNginx(nodes: readonly NginxNode[]): string {
  return `${nodes.map((node) => serializeNode(node, 0)).join('\n')}\n`;
}

function serializeNode(node: NginxNode, depth: number): string {
  const indent = '    '.repeat(depth);
  switch (node.kind) {
    case 'comment':
      return node.text === '' ? `${indent}#` : `${indent}# ${node.text}`;
    // A map entry's key sits where a name does and may be the empty string: names are quoted like arguments.
    case 'directive':
      return `${indent}${[node.name, ...node.args].map(quoteArg).join(' ')};`;
    case 'block': {
      const head = `${indent}${[node.name, ...node.args].map(quoteArg).join(' ')} {`;
      const body = node.children.map((child) => serializeNode(child, depth + 1));
      return [head, ...body, `${indent}}`].join('\n');
    }
  }
}

/** Characters that end or split a bare word in nginx's tokenizer. */
const NEEDS_QUOTES = /[\s;{}"'#\\]/;

/**
 * A bare word when nginx reads it as one; otherwise double-quoted with `"` and `\` escaped. The empty
 * string must be quoted (`Connection ""` clears a header). `$variables` stay interpolated in both forms.
 */
export function quoteArg(arg: NginxArg): string {
  const value = String(arg);
  if (value !== '' && !NEEDS_QUOTES.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
