import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FactoryProvider } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { loadConfig } from '../config/config';
import { ConfigError } from '../config/config-error';
import { AuthModule } from './auth.module';
import type { AuthSettings } from './token-verifier';
import { TokenVerifier } from './token-verifier';

const ENV = { DATABASE_URL: 'postgres://app:pw@db:5432/app', REDIS_URL: 'redis://cache:6379' };
const ISSUER = 'https://tenant.example.com/';
const AUDIENCE = 'https://api.example.com';

/**
 * The TokenVerifier an app with these settings (src/generated/auth.ts) and this environment builds: the
 * module's own provider factory, called as Nest calls it (the specs run without decorator metadata).
 */
function verifierOf(settings: AuthSettings, env: Record<string, string> = {}): TokenVerifier {
  const provider = AuthModule.forRoot(settings).providers?.find(
    (candidate): candidate is FactoryProvider => typeof candidate === 'object' && candidate.provide === TokenVerifier,
  );
  assert.ok(provider, 'AuthModule provides the TokenVerifier');
  return provider.useFactory(loadConfig({ ...ENV, ...env })) as TokenVerifier;
}

describe("AuthModule: the schema's key set, issuer and audience", () => {
  let pair: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwksUrl = '';
  const server = createServer((_request, response) => {
    void exportJWK(pair.publicKey).then((jwk) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg: 'RS256', use: 'sig' }] }));
    });
  });

  before(async () => {
    pair = await generateKeyPair('RS256');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const token = (claims: { iss: string; aud: string }) =>
    new SignJWT({ sub: 'u1' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setExpirationTime('5m')
      .sign(pair.privateKey);

  test('verifies tokens against the schema jwksUrl, issuer and audience without AUTH_* set', async () => {
    const verifier = verifierOf({
      rolesClaim: 'roles',
      clockToleranceSeconds: 0,
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUrl,
    });
    assert.equal((await verifier.verify(await token({ iss: ISSUER, aud: AUDIENCE }))).sub, 'u1');
    await assert.rejects(verifier.verify(await token({ iss: 'https://other.example.com/', aud: AUDIENCE })), {
      reason: 'wrong_issuer',
    });
    await assert.rejects(verifier.verify(await token({ iss: ISSUER, aud: 'another-api' })), {
      reason: 'wrong_audience',
    });
  });

  test('the environment overrides the schema: AUTH_JWT_AUDIENCE replaces its audience', async () => {
    const verifier = verifierOf(
      { rolesClaim: 'roles', clockToleranceSeconds: 0, issuer: ISSUER, audience: AUDIENCE, jwksUrl },
      { AUTH_JWT_AUDIENCE: 'staging-api' },
    );
    assert.equal((await verifier.verify(await token({ iss: ISSUER, aud: 'staging-api' }))).sub, 'u1');
    await assert.rejects(verifier.verify(await token({ iss: ISSUER, aud: AUDIENCE })), { reason: 'wrong_audience' });
  });

  test('without a secret or a key set, in the environment or the schema, the app refuses to start', () => {
    assert.throws(
      () => verifierOf({ rolesClaim: 'roles', clockToleranceSeconds: 0, issuer: ISSUER, audience: AUDIENCE }),
      (error: unknown) =>
        error instanceof ConfigError && /AUTH_JWT_SECRET or AUTH_JWKS_URL is required/.test(error.message),
    );
  });
});
