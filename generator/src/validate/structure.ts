import Ajv, { type ErrorObject } from 'ajv';
import { closest } from '../model/naming';
import { deriveJsonSchema } from '../schema/json-schema';
import type { Diagnostic } from './diagnostic';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
const validateShape = ajv.compile(deriveJsonSchema());

/** Checks the document against the JSON Schema derived from schema.ts and turns ajv's errors into plain sentences. */
export function checkStructure(document: unknown): Diagnostic[] {
  if (validateShape(document)) return [];
  return withoutNoise(validateShape.errors ?? [], document).map((error) => ({
    pointer: pointerOf(error),
    message: sentenceFor(error, document),
  }));
}

/**
 * Drops errors that another error at the same value says better. At a value a oneOf rejected, its
 * branches' errors (reached through $ref, so their schemaPath does not show the oneOf): the oneOf
 * sentence says what is allowed; but an object there was meant for the object branch, whose own
 * errors (an unknown or missing key) say what to fix, so only the other branches' errors go. Next to an enum or const, the type error zod states
 * beside them: their sentence names the allowed values (and a near miss).
 */
function withoutNoise(errors: readonly ErrorObject[], document: unknown): ErrorObject[] {
  const pathsOf = (...keywords: string[]) =>
    new Set(errors.filter((error) => keywords.includes(error.keyword)).map((error) => error.instancePath));
  const rejectedByOneOf = pathsOf('oneOf');
  const listsAllowedValues = pathsOf('enum', 'const');
  const isObject = (path: string) => {
    const value = valueAt(document, path);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  };
  return errors.filter((error) => {
    if (rejectedByOneOf.has(error.instancePath) && isObject(error.instancePath))
      return !['const', 'enum', 'type'].includes(error.keyword);
    if (error.keyword === 'oneOf') return true;
    if (rejectedByOneOf.has(error.instancePath)) return false;
    return !(error.keyword === 'type' && listsAllowedValues.has(error.instancePath));
  });
}

function pointerOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return `${error.instancePath}/${String(error.params.additionalProperty)}`;
  }
  return error.instancePath;
}

function sentenceFor(error: ErrorObject, document: unknown): string {
  const value = valueAt(document, error.instancePath);
  const last = error.instancePath.split('/').pop() ?? '';
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = String(error.params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return withHint(`unknown property "${property}"`, closest(property, allowed));
    }
    case 'required':
      return `missing required property "${String(error.params.missingProperty)}"`;
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const noun = last === 'type' ? 'type' : 'value';
      return withHint(
        `unknown ${noun} ${JSON.stringify(value)}`,
        typeof value === 'string' ? closest(value, allowed) : undefined,
        allowed,
      );
    }
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'oneOf':
      if (last === 'cache') return 'must be false or an object with "itemTtl" and/or "listTtl" in seconds';
      if (last === 'scope') return 'must be false or { "by": field or relation, "claim": token claim }';
      return /\/access\/[a-z]+$/.test(error.instancePath)
        ? 'must be "public", "authenticated" or { "roles": [...] } naming at least one role'
        : 'does not match any allowed form';
    case 'type':
      return `must be ${article(String(error.params.type))}, not ${describe(value)}`;
    case 'pattern':
      return patternSentence(String(value), error.params.pattern as string);
    case 'minItems':
      return `must have at least ${String(error.params.limit)} item(s)`;
    case 'uniqueItems':
      return repeatedItemSentence(value, Number(error.params.j), Number(error.params.i));
    case 'minimum':
    case 'maximum':
    case 'maxLength':
    case 'minLength':
      return `${error.message ?? 'is out of range'}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function repeatedItemSentence(list: unknown, one: number, other: number): string {
  const [first, second] = [Math.min(one, other), Math.max(one, other)];
  const item = Array.isArray(list) ? JSON.stringify(list[second]) : 'an item';
  return `${item} is listed twice (items ${first} and ${second}); remove one`;
}

function patternSentence(value: string, pattern: string): string {
  if (pattern.includes('(created|updated|deleted)'))
    return `"${value}" must be a topic <Entity>.<created|updated|deleted>, e.g. "Project.created"`;
  if (pattern.startsWith('^[A-Za-z]'))
    return `"${value}" must be letters, digits and underscores, starting with a letter`;
  if (pattern.startsWith('^[A-Z]'))
    return `"${value}" must be PascalCase (letters and digits, starting with a capital), e.g. "${pascalHint(value)}"`;
  if (pattern.startsWith('^[a-z][A-Za-z0-9]'))
    return `"${value}" must be camelCase (letters and digits, starting lower-case), e.g. "${camelHint(value)}"`;
  if (pattern.startsWith('^[a-z_]')) return `"${value}" must be a lower-case SQL identifier (a-z, 0-9, _)`;
  if (pattern.startsWith('^[0-9]'))
    return `"${value}" must be a Kubernetes quantity: a number with an optional unit (250m, 1, 512Mi, 2Gi)`;
  return `"${value}" must be lower-case letters, digits and hyphens`;
}

function pascalHint(value: string): string {
  const camel = camelHint(value);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

function camelHint(value: string): string {
  const parts = value.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = parts
    .map((part, index) => (index === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
  return (joined.charAt(0).toLowerCase() + joined.slice(1)).replace(/^[0-9]+/, '') || 'name';
}

function withHint(sentence: string, suggestion?: string, allowed?: string[]): string {
  if (suggestion) return `${sentence}; did you mean "${suggestion}"?`;
  if (allowed && allowed.length <= 20)
    return `${sentence}; expected one of ${allowed.map((item) => `"${item}"`).join(', ')}`;
  return sentence;
}

function article(type: string): string {
  const readable = type.replace(',', ' or ');
  return /^[aeiou]/.test(readable) ? `an ${readable}` : `a ${readable}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(document: unknown, instancePath: string): unknown {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      document,
    );
}
