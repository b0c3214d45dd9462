import { createHash } from 'node:crypto';

/**
 * The strong entity tag of a row's representation: a hash of its JSON, the bytes the client gets.
 * Not the version column: the database changes rows itself without moving it (ON DELETE SET NULL
 * clears a foreign key), and a validator that stays put while the body changes would answer 304 with
 * stale data. Strong, so that If-Match, which RFC 9110 compares strongly, can use it. The same
 * function tags a fresh answer, a cached one (JSON that round-tripped through Redis) and the row a
 * write locks, so all three agree.
 */
export function entityTagOf(representation: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(representation)).digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

const ENTITY_TAG = /(W\/)?"([^"]*)"/g;

interface ListedTag {
  readonly weak: boolean;
  readonly tag: string;
}

/** The tags of an If-Match or If-None-Match value, or '*'. */
function listedTags(header: string): ListedTag[] | '*' {
  if (header.trim() === '*') return '*';
  return [...header.matchAll(ENTITY_TAG)].map((match) => ({ weak: match[1] !== undefined, tag: `"${match[2]}"` }));
}

/** If-Match (RFC 9110 13.1.1): `*` matches any current row; otherwise strong comparison, so a weak tag never matches. */
export function ifMatchHolds(header: string, current: string): boolean {
  const tags = listedTags(header);
  return tags === '*' || tags.some(({ weak, tag }) => !weak && tag === current);
}

/** If-None-Match (RFC 9110 13.1.2) matches by weak comparison: `W/` is ignored. True when the client's copy is current. */
export function ifNoneMatchMatches(header: string, current: string): boolean {
  const tags = listedTags(header);
  return tags === '*' || tags.some(({ tag }) => tag === current);
}
