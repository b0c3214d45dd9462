import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
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
