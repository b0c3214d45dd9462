import pluralize from 'pluralize';

/** Splits `TaskComment`, `taskComment`, `task_comment` or `HTTPServer` into lower-case words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

export const pascalCase = (name: string): string => words(name).map(capitalize).join('');
export const camelCase = (name: string): string => {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
};
export const snakeCase = (name: string): string => words(name).join('_');
export const kebabCase = (name: string): string => words(name).join('-');
export const constantCase = (name: string): string => words(name).join('_').toUpperCase();

/**
 * The properties of the columns apso adds itself. With `asWritten` names they are spelled as their
 * columns, which is what an APSO CLI backend answered (`created_at`, `updated_at`).
 */
export function bookkeepingProperties(propertyNames: 'camelCase' | 'asWritten') {
  return propertyNames === 'asWritten'
    ? ({ createdAt: 'created_at', updatedAt: 'updated_at', deletedAt: 'deleted_at', version: 'version' } as const)
    : ({ createdAt: 'createdAt', updatedAt: 'updatedAt', deletedAt: 'deletedAt', version: 'version' } as const);
}

/** Pluralizes the last word only, so `TaskComment` becomes `TaskComments`. */
export function plural(name: string): string {
  const parts = words(name);
  const last = parts.pop() ?? '';
  const pluralLast = pluralize.plural(last);
  return pascalOrCamelLike(name, [...parts, pluralLast]);
}

export function singular(name: string): string {
  const parts = words(name);
  const last = parts.pop() ?? '';
  return pascalOrCamelLike(name, [...parts, pluralize.singular(last)]);
}

function pascalOrCamelLike(original: string, parts: string[]): string {
  const pascal = parts.map(capitalize).join('');
  return /^[A-Z]/.test(original) ? pascal : pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** PostgreSQL truncates identifiers at 63 bytes; keep long names unique with a short stable hash. */
export function limitIdentifier(name: string): string {
  if (name.length <= 63) return name;
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  const suffix = hash.toString(36).padStart(7, '0').slice(0, 7);
  return `${name.slice(0, 55)}_${suffix}`;
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** The closest candidate within a third of the word's length, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of [...candidates].sort()) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
