import { stringify as stringifyIni } from 'js-ini';
import { stringify as stringifyYaml } from 'yaml';
import type { FileContent, IniSections } from './artifact';

/**
 * Writes a file's content as text, once, after every artifact has built its objects. Keys keep the
 * order the artifact declared them in (objects are built by code, never from unordered input), so
 * the output is deterministic and reads in the order a reader expects (`apiVersion`, `kind`, `metadata`).
 */
export function serializeContent(content: FileContent): string {
  switch (content.kind) {
    case 'text':
      return content.text;
    case 'json':
      return `${JSON.stringify(content.value, null, 2)}\n`;
    case 'yaml':
      return serializeYaml(content.value);
    case 'ini':
      return serializeIni(content.value, content.comments);
  }
}

function serializeIni(value: IniSections, comments: readonly string[]): string {
  const header = comments.map((line) => (line === '' ? ';' : `; ${line}`)).join('\n');
  // js-ini writes values as they are; `ini` quotes any value holding `=`, which PgBouncer reads as
  // part of the value (a database entry is a `key=value` connection string).
  const body = `${stringifyIni(value as Parameters<typeof stringifyIni>[0], { spaceBefore: true, spaceAfter: true }).trim()}\n`;
  return header === '' ? body : `${header}\n\n${body}`;
}

function serializeYaml(value: object): string {
  return stringifyYaml(value, {
    indent: 2,
    // No folding of long strings (a command line stays one line) and no anchors for objects that
    // happen to be reused: a manifest reads the same whichever object the builder shared.
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}
