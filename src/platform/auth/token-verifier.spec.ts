import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { AuthFailure } from './auth-failure';
import { TokenVerifier } from './token-verifier';

const verifier = (rolesClaim: string) =>
  new TokenVerifier({ rolesClaim, clockToleranceSeconds: 0 }, { kind: 'secret', secret: 'x'.repeat(32) });

describe('the roles a token grants', () => {
  test('a top-level claim: its strings, a lone string as one role, anything else none', () => {
    assert.deepEqual(verifier('roles').roles({ roles: ['admin', 7, 'editor'] }), ['admin', 'editor']);
    assert.deepEqual(verifier('roles').roles({ roles: 'admin' }), ['admin']);
    assert.deepEqual(verifier('roles').roles({ roles: { admin: true } }), []);
    assert.deepEqual(verifier('roles').roles({}), []);
  });

  test('a dotted path reaches into nested claims; a claim named with dots is read as named', () => {
    assert.deepEqual(verifier('realm_access.roles').roles({ realm_access: { roles: ['admin'] } }), ['admin']);
    assert.deepEqual(verifier('realm_access.roles').roles({ roles: ['admin'] }), []);
    assert.deepEqual(verifier('realm_access.roles').roles({ realm_access: 'admin' }), []);
    const namespaced = 'https://example.com/roles';
    assert.deepEqual(verifier(namespaced).roles({ [namespaced]: ['editor'] }), ['editor']);
  });
});

describe('what a token must carry', () => {
  const secret = 'x'.repeat(32);
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

  test('a token without exp is refused as invalid: it would never expire', async () => {
    const failure = await verifier('roles')
      .verify(await sign({ sub: 'forever' }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(failure instanceof AuthFailure);
    assert.equal(failure.reason, 'invalid');
    assert.match(failure.description, /no expiry/);
    const payload = await verifier('roles').verify(
      await sign({ sub: 'bounded', exp: Math.floor(Date.now() / 1000) + 60 }),
    );
    assert.equal(payload.sub, 'bounded');
  });
});
