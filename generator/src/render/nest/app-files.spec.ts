import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderAuthModule } from './app-files';

describe('src/generated/auth.ts', () => {
  const jwt = { rolesClaim: 'roles', clockToleranceSeconds: 30 };

  test('without apiKey: the token settings only, as before API keys existed', () => {
    const text = renderAuthModule({ jwt, apiKey: null });
    assert.match(text, /AuthModule\.forRoot\(\{ rolesClaim: 'roles', clockToleranceSeconds: 30 \}\);/);
    assert.doesNotMatch(text, /apiKey|AUTH_API_KEYS_FILE/);
  });

  test('with apiKey: its header reaches AuthModule.forRoot, and the comment names AUTH_API_KEYS_FILE', () => {
    const text = renderAuthModule({ jwt, apiKey: { header: 'x-service-key' } });
    assert.match(
      text,
      /AuthModule\.forRoot\(\{ rolesClaim: 'roles', clockToleranceSeconds: 30, apiKey: \{ header: 'x-service-key' \} \}\);/,
    );
    assert.match(text, /AUTH_API_KEYS_FILE/);
  });

  test('without issuer, audience or key set in the schema, the settings are the roles claim and the leeway', () => {
    const text = renderAuthModule({ jwt, apiKey: null });
    assert.match(text, /AuthModule\.forRoot\(\{ rolesClaim: 'roles', clockToleranceSeconds: 30 \}\);/);
    assert.match(text, /AUTH_JWT_SECRET or AUTH_JWKS_URL names the keys/);
  });

  test("the schema's issuer, audience and key set are passed on, as defaults the environment overrides", () => {
    const text = renderAuthModule({
      jwt: {
        rolesClaim: 'cognito:groups',
        clockToleranceSeconds: 30,
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
        audience: 'client-1',
        jwksUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json',
      },
      apiKey: null,
    });
    assert.match(
      text,
      /forRoot\(\{ rolesClaim: 'cognito:groups', clockToleranceSeconds: 30, issuer: 'https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_abc', audience: 'client-1', jwksUrl: 'https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_abc\/\.well-known\/jwks\.json' \}\);/,
    );
    assert.match(text, /the schema's key set, unless AUTH_JWKS_URL or AUTH_JWT_SECRET names other keys/);
  });
});
