import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config/config-error';
import { AuthFailure } from './auth-failure';
import type { Claims } from './principal';

/** The lowercase hex SHA-256 of a whole key, as `apso api-key` writes it. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * One entry of the keys file (docs/auth.md#api-keys). `sub` defaults to the id, so that logs and row
 * scoping name the caller even when the entry lists no claims.
 */
const entrySchema = z.strictObject({
  id: z.string().min(1, { error: 'must not be empty' }),
  sha256: z.string().regex(SHA256_HEX, { error: 'must be 64 lowercase hex digits: the SHA-256 of the whole key' }),
  claims: z.record(z.string(), z.unknown()).default({}),
  expiresAt: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date and time, like 2027-01-01T00:00:00Z' })
    .optional(),
});

const fileSchema = z.strictObject({ keys: z.array(entrySchema) });

interface StoredKey {
  readonly id: string;
  readonly claims: Claims;
  /** Milliseconds since the epoch; undefined: the key never expires. */
  readonly expiresAt?: number;
}

/** The API key failure: the guard answers it with an `ApiKey` challenge rather than a Bearer token error. */
export class ApiKeyFailure extends AuthFailure {}

/**
 * The API keys the service accepts, read once at start from AUTH_API_KEYS_FILE. The file holds only
 * hashes: a leaked file, backup or Secret lets no one call the API.
 *
 * Keys are looked up by the SHA-256 of the presented key. A fast hash is right here, unlike for
 * passwords: a key is 32 random bytes, so there is no dictionary to try and 2^256 candidates to
 * brute-force, and a slow hash (bcrypt, scrypt) would cost CPU on every request for no gain. A Map
 * lookup by hash is not a constant-time comparison, and need not be: what its timing could reveal is
 * how the hash of the caller's own guess compares to stored hashes, and knowing part of a stored
 * hash brings no one closer to a key that produces it (SHA-256 is preimage resistant).
 */
export class ApiKeyStore {
  private constructor(private readonly byHash: ReadonlyMap<string, StoredKey>) {}

  /** Reads and checks the file; a ConfigError names the file, the entry and what is wrong with it. */
  static fromFile(path: string): ApiKeyStore {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw problem(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    return ApiKeyStore.parse(text, path);
  }

  static parse(text: string, path: string): ApiKeyStore {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw problem(path, `is not JSON: ${(error as Error).message}`);
    }
    const result = fileSchema.safeParse(json);
    if (!result.success) {
      throw new ConfigError(
        result.error.issues.map((issue) => `${prefix(path)}${where(issue.path)}: ${issue.message}`),
      );
    }
    return new ApiKeyStore(indexByHash(result.data.keys, path));
  }

  get size(): number {
    return this.byHash.size;
  }

  /**
   * The claims the presented key grants, or an ApiKeyFailure: unknown (never issued, or removed from
   * the file) or expired. The key itself is never part of a message.
   */
  claimsOf(key: string, now: number = Date.now()): Claims {
    const stored = this.byHash.get(sha256(key));
    if (stored === undefined) throw new ApiKeyFailure('invalid', 'The API key is not valid');
    if (stored.expiresAt !== undefined && now >= stored.expiresAt)
      throw new ApiKeyFailure('expired', 'The API key has expired');
    return { sub: stored.id, ...stored.claims };
  }
}

export function sha256(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function indexByHash(entries: readonly z.infer<typeof entrySchema>[], path: string): Map<string, StoredKey> {
  const byHash = new Map<string, StoredKey>();
  const ids = new Map<string, number>();
  const hashes = new Map<string, number>();
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const sameId = ids.get(entry.id);
    if (sameId !== undefined)
      problems.push(`${prefix(path)}keys[${index}].id: "${entry.id}" is also keys[${sameId}]'s id`);
    const sameHash = hashes.get(entry.sha256);
    if (sameHash !== undefined)
      problems.push(`${prefix(path)}keys[${index}].sha256: the same hash as keys[${sameHash}]`);
    ids.set(entry.id, ids.get(entry.id) ?? index);
    hashes.set(entry.sha256, hashes.get(entry.sha256) ?? index);
    byHash.set(entry.sha256, {
      id: entry.id,
      claims: entry.claims,
      ...(entry.expiresAt === undefined ? {} : { expiresAt: Date.parse(entry.expiresAt) }),
    });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return byHash;
}

const prefix = (path: string) => `AUTH_API_KEYS_FILE ${path}: `;

function problem(path: string, message: string): ConfigError {
  return new ConfigError([`AUTH_API_KEYS_FILE ${path} ${message}`]);
}

/** `keys[2].sha256` for zod's ['keys', 2, 'sha256']; the file as a whole for an empty path. */
function where(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the file)';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
