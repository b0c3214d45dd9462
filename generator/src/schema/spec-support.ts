/**
 * What schema.spec.ts compares across the three faces of the format: the zod definition, the JSON
 * Schema derived from it and docs/schema.md. Each object of the format (the document itself, or a
 * named definition) is outlined as its properties and what the docs must say about each.
 */
import { z } from 'zod';

/** The name the outlines give the document's own object; the others are named by their meta `id`. */
export const DOCUMENT = 'document';

interface PropertyOutline {
  readonly required: boolean;
  readonly description: unknown;
  /** Present when the schema declares a default, so `{ value: undefined }` differs from no default. */
  readonly default?: { readonly value: unknown };
  /** enum and const values, on the property itself or on a branch of its anyOf/oneOf. */
  readonly values: readonly unknown[];
  /** Keys of objects written out inside the property rather than named, e.g. `{ "sql": … }` in a default. */
  readonly inlineKeys: readonly string[];
}

export type Outline = ReadonlyMap<string, ReadonlyMap<string, PropertyOutline>>;

type Node = Record<string, unknown>;
const BRANCHES = ['anyOf', 'oneOf', 'allOf'] as const;

export function outlineJsonSchema(jsonSchema: Node): Outline {
  const objects = new Map([[DOCUMENT, propertiesOf(jsonSchema)]]);
  for (const [name, definition] of Object.entries((jsonSchema.definitions ?? {}) as Record<string, Node>)) {
    if (definition.properties) objects.set(name, propertiesOf(definition));
  }
  return objects;
}

function propertiesOf(object: Node): Map<string, PropertyOutline> {
  const required = (object.required ?? []) as string[];
  return new Map(
    Object.entries(object.properties as Record<string, Node>).map(([key, property]) => [
      key,
      {
        required: required.includes(key),
        description: property.description,
        ...('default' in property ? { default: { value: property.default } } : {}),
        values: valuesOf(property),
        inlineKeys: inlineKeysOf(property),
      },
    ]),
  );
}

function branchesOf(node: Node): Node[] {
  return BRANCHES.flatMap((keyword) => (node[keyword] ?? []) as Node[]);
}

function valuesOf(node: Node): unknown[] {
  const own = [...((node.enum ?? []) as unknown[]), ...('const' in node ? [node.const] : [])];
  return [...own, ...branchesOf(node).flatMap(valuesOf)];
}

/** Named objects ($ref) are outlined on their own; only objects spelled out in place count here. */
function inlineKeysOf(node: Node): string[] {
  const properties = (node.properties ?? {}) as Record<string, Node>;
  const items = node.items ? [node.items as Node] : [];
  return [
    ...Object.keys(properties),
    ...[...Object.values(properties), ...items, ...branchesOf(node)].flatMap(inlineKeysOf),
  ];
}

/** The property names of every object the zod definition reaches, by meta id (the document by DOCUMENT). */
export function zodObjectKeys(schema: z.ZodType): Map<string, string[]> {
  const objects = new Map<string, string[]>();
  const visited = new Set<z.ZodType>();
  const visit = (node: z.ZodType, name?: string): void => {
    if (visited.has(node)) return;
    visited.add(node);
    if (node instanceof z.ZodObject) {
      const id = name ?? (node.meta()?.id as string | undefined);
      if (id) objects.set(id, Object.keys(node.shape));
      for (const child of Object.values(node.shape as Record<string, z.ZodType>)) visit(child);
    } else if (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodLazy) {
      visit(node.unwrap() as z.ZodType);
    } else if (node instanceof z.ZodArray) visit(node.element as z.ZodType);
    else if (node instanceof z.ZodUnion) for (const option of node.options as z.ZodType[]) visit(option);
    else if (node instanceof z.ZodRecord) visit(node.valueType as z.ZodType);
  };
  visit(schema, DOCUMENT);
  return objects;
}

interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The docs' section of one object: its heading, the key table (first column a key) and any value tables. */
interface DocSection {
  readonly heading: string;
  readonly tables: readonly Table[];
}

export function docSections(markdown: string): Map<string, DocSection> {
  const sections = new Map<string, DocSection>();
  let heading = '';
  let lines: string[] = [];
  const close = () => sections.set(heading, { heading, tables: tablesIn(lines) });
  for (const line of markdown.split('\n')) {
    const title = /^#+\s+(.*)$/.exec(line)?.[1];
    if (title === undefined) {
      lines.push(line);
      continue;
    }
    close();
    heading = title.trim();
    lines = [];
  }
  close();
  return sections;
}

function tablesIn(lines: readonly string[]): Table[] {
  const tables: Table[] = [];
  let current: string[][] = [];
  for (const line of [...lines, '']) {
    if (line.trim().startsWith('|')) current.push(cellsOf(line));
    else if (current.length > 0) {
      const [header, , ...rows] = current;
      tables.push({ header, rows });
      current = [];
    }
  }
  return tables;
}

function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());
}

function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
}

const spells = (spans: readonly string[], value: unknown) =>
  spans.includes(String(value)) || spans.includes(JSON.stringify(value));

/** Each property's row in a section's key table (`| key | default | meaning |`), by the key in its first cell. */
export function keyRows(section: DocSection): Map<string, readonly string[]> {
  const table = section.tables.find((candidate) => candidate.header[0] === 'key');
  return new Map((table?.rows ?? []).flatMap((row) => codeSpans(row[0]).map((key) => [key, row] as const)));
}

/**
 * Every way docs/schema.md falls short of the outline, as sentences; `sectionOf` maps an object's name
 * to the heading of its section. Empty when every object, property, requirement, default, allowed
 * value and inline key is documented, and nothing is documented that the schema lacks.
 */
export function documentationGaps(outline: Outline, markdown: string, sectionOf: Record<string, string>): string[] {
  const sections = docSections(markdown);
  return [...outline].flatMap(([object, properties]) => {
    const section = sections.get(sectionOf[object] ?? '');
    if (!section) return [`the ${object} object has no section in docs/schema.md (or no heading for it in the spec)`];
    const rows = keyRows(section);
    const where = `docs/schema.md, ${section.heading}`;
    const unknown = [...rows.keys()]
      .filter((key) => !properties.has(key))
      .map((key) => `${where}: documents \`${key}\`, which the schema does not have`);
    return [
      ...unknown,
      ...[...properties].flatMap(([key, property]) => {
        const row = rows.get(key);
        if (!row) return [`${where}: \`${key}\` is not in the key table`];
        return propertyGaps(`${where}: \`${key}\``, key, property, row, section);
      }),
    ];
  });
}

function propertyGaps(
  name: string,
  key: string,
  property: PropertyOutline,
  row: readonly string[],
  section: DocSection,
): string[] {
  const gaps: string[] = [];
  const defaultCell = row[1] ?? '';
  if (property.required !== (defaultCell === 'required'))
    gaps.push(
      `${name} is ${property.required ? 'required' : 'optional'}, but its default column says "${defaultCell}"`,
    );
  if (property.default && !spells(codeSpans(defaultCell), property.default.value))
    gaps.push(`${name} defaults to ${JSON.stringify(property.default.value)}, which its default column does not show`);
  const valueTables = section.tables.filter((table) => table.header[0] === key);
  const tabled = valueTables.flatMap((table) => table.rows.flatMap((cells) => codeSpans(cells[0])));
  const rowSpans = codeSpans(row.join(' | '));
  for (const value of property.values) {
    if (!spells([...rowSpans, ...tabled], value))
      gaps.push(`${name} allows ${JSON.stringify(value)}, which neither its row nor a "${key}" table names`);
  }
  for (const listed of tabled) {
    if (!property.values.some((value) => String(value) === listed))
      gaps.push(`${name}: the "${key}" table lists "${listed}", which the schema does not allow`);
  }
  for (const inline of property.inlineKeys) {
    if (!rowSpans.some((span) => span.includes(JSON.stringify(inline))))
      gaps.push(`${name} may hold an object with "${inline}", which its row does not show`);
  }
  return gaps;
}
