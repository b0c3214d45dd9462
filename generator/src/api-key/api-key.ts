import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * API keys as the generated service reads them (src/platform/auth/api-key-store.ts, docs/auth.md#api-keys):
 * a JSON file of entries, each the SHA-256 of one key with the claims the key grants. The key itself
 * is shown once, when minted, and kept nowhere.
 */

/** Marks a string as an apso key (secret scanners and people can tell what leaked), then 256 random bits. */
export const KEY_PREFIX = 'apso_';
const KEY_BYTES = 32;

/** Plain ids, since they become `sub` and show in logs; the service itself takes any non-empty id. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

export interface KeyEntry {
  readonly id: string;
  readonly sha256: string;
  readonly claims: Record<string, unknown>;
  readonly expiresAt?: string;
}

export interface KeyRequest {
  readonly id: string;
  readonly roles: readonly string[];
  /** `name=value` pairs; values are strings. */
  readonly claims: readonly string[];
  readonly expires?: string;
  /** Where the service reads roles (the schema's auth.jwt.rolesClaim): the roles go under that claim name. */
  readonly rolesClaim: string;
}

/** A problem with the request or the keys file, worded for the person at the terminal. */
export class ApiKeyError extends Error {}

export function mintKey(): string {
  return KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
}

export function sha256(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * The entry for `key`. `sub` is the id unless a --claim sets it. Roles are written under the exact
 * name of the roles claim, which the service reads first (before trying it as a dotted path).
 */
export function entryFor(key: string, request: KeyRequest, now: Date = new Date()): KeyEntry {
  if (!ID.test(request.id))
    throw new ApiKeyError(
      `--id "${request.id}" must be 1 to 100 letters, digits or . _ : @ -, starting with a letter or digit`,
    );
  const claims: Record<string, unknown> = { sub: request.id };
  const given = new Set<string>();
  for (const pair of request.claims) {
    const separator = pair.indexOf('=');
    const name = separator < 0 ? '' : pair.slice(0, separator).trim();
    if (name === '') throw new ApiKeyError(`--claim "${pair}" must be name=value`);
    if (given.has(name)) throw new ApiKeyError(`--claim ${name} is given twice`);
    if (name === request.rolesClaim && request.roles.length > 0)
      throw new ApiKeyError(`--claim ${name} is the roles claim: give the roles with --role`);
    given.add(name);
    claims[name] = pair.slice(separator + 1);
  }
  if (request.roles.length > 0) claims[request.rolesClaim] = [...new Set(request.roles)];
  return {
    id: request.id,
    sha256: sha256(key),
    claims,
    ...(request.expires === undefined ? {} : { expiresAt: expiry(request.expires, now) }),
  };
}

function expiry(value: string, now: Date): string {
  const time = Date.parse(value);
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(time))
    throw new ApiKeyError(
      `--expires "${value}" must be an ISO 8601 date and time with its zone, like 2027-01-01T00:00:00Z`,
    );
  if (time <= now.getTime()) throw new ApiKeyError(`--expires ${value} is already past`);
  return new Date(time).toISOString();
}

/**
 * Adds `entry` to the keys file, creating it, keeping every other entry as it is. The file is written
 * whole to a temporary name and then renamed, so the service never reads half of it. It holds hashes
 * only, which grant nothing, so it stays readable by others: a compose bind mount is read by the
 * container's own user (node, uid 1000), whoever owns the file on the host.
 */
export function addToFile(path: string, entry: KeyEntry): number {
  const keys = existsSync(path) ? entriesOf(path) : [];
  const index = keys.findIndex((other) => (other as { id?: unknown }).id === entry.id);
  if (index >= 0)
    throw new ApiKeyError(
      `${path} already has a key "${entry.id}" (keys[${index}]); choose another id, or remove that entry first`,
    );
  const next = [...keys, entry];
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys: next }, null, 2)}\n`, { mode: 0o644 });
  renameSync(temporary, path);
  return next.length;
}

function entriesOf(path: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ApiKeyError(`${path} is not a keys file: ${(error as Error).message}`);
  }
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !Array.isArray(keys))
    throw new ApiKeyError(`${path} is not a keys file: expected { "keys": [ ... ] }`);
  return keys;
}
