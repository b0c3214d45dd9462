import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JWTPayload, SignJWT } from 'jose';
import type { Http } from './crud-smoke';
import { http } from './http';

/**
 * Credentials for this repository's own backend, whose schema turns authentication on
 * (schema.apso.json `auth`): tokens signed with a secret made for this test process, and an empty API
 * keys file (the schema accepts keys, so the service needs the file to start).
 */
const SECRET = randomBytes(32).toString('base64url');

let keysFile: string | undefined;

/** The AUTH_* variables an example backend process needs; add them to its environment. */
export function exampleAuthEnv(): Record<string, string> {
  if (keysFile === undefined) {
    keysFile = join(mkdtempSync(join(tmpdir(), 'apso-example-keys-')), 'api-keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: [] }));
  }
  return { AUTH_JWT_SECRET: SECRET, AUTH_API_KEYS_FILE: keysFile };
}

/** A token the example backend accepts for ten minutes, with these claims. */
export function signExampleToken(claims: JWTPayload): Promise<string> {
  return new SignJWT({ exp: Math.floor(Date.now() / 1000) + 600, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(SECRET));
}

export async function bearer(claims: JWTPayload): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signExampleToken(claims)}` };
}

/** The platform's staff: they manage organizations and announcements (schema.apso.json access rules). */
export const OPERATOR: JWTPayload = { sub: 'operator', roles: ['operator'] };

/** A tenant of the example backend: an organization, one of its users, and a token of that user. */
export interface ExampleTenant {
  readonly organizationId: string;
  readonly userId: string;
  /** The user's claims: sub, org_id, and the roles `admin` and `operator`, so every route is open to it. */
  readonly claims: JWTPayload;
  /** `authorization: Bearer …` for those claims. */
  readonly headers: Record<string, string>;
}

/**
 * Creates an organization (as an operator) and a user in it (as that organization's admin), over the
 * API as a client would, and answers the user's credentials: what a test needs before it can write
 * any scoped row.
 */
export async function createTenant(
  baseUrl: string,
  name = `tenant-${randomUUID().slice(0, 8)}`,
): Promise<ExampleTenant> {
  const organization = await http(baseUrl, 'POST', '/organizations', { name, slug: name }, await bearer(OPERATOR));
  assert.equal(organization.status, 201, `POST /organizations as an operator → ${organization.text}`);
  const organizationId = organization.body.id as string;
  const admin = { sub: randomUUID(), org_id: organizationId, roles: ['admin', 'operator'] };
  const user = await http(
    baseUrl,
    'POST',
    '/users',
    { email: `${name}@example.com`, displayName: name },
    await bearer(admin),
  );
  assert.equal(user.status, 201, `POST /users as the organization's admin → ${user.text}`);
  const userId = user.body.id as string;
  const claims = { sub: userId, org_id: organizationId, roles: ['admin', 'operator'] };
  return { organizationId, userId, claims, headers: await bearer(claims) };
}

/** A client of the example backend that acts as this tenant unless a request sends its own authorization. */
export function tenantClient(baseUrl: string, tenant: Pick<ExampleTenant, 'headers'>): Http {
  return (method, path, body, headers) => http(baseUrl, method, path, body, { ...tenant.headers, ...headers });
}
