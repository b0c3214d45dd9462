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
});
