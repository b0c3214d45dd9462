import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';

/** Who may call a handler: anyone, any valid bearer token, or a valid token holding one of the roles. */
export type AccessRule = 'public' | 'authenticated' | { readonly roles: readonly string[] };

export const ACCESS_METADATA = 'apso:access';

/** The OpenAPI security scheme every protected operation names (an HTTP bearer JWT). */
export const BEARER_SCHEME = 'bearerAuth';
/** The OpenAPI security scheme of API keys, offered next to the bearer one when the schema has `auth.apiKey`. */
export const API_KEY_SCHEME = 'apiKeyAuth';

/**
 * Sets the rule the access guard enforces on a handler; generated controllers carry one per handler
 * when the schema has `auth`. Protected handlers also document their bearer security and their 401
 * (and, for a role rule, 403) in the OpenAPI document; public ones get `security: []` there (openapi.ts).
 */
export function Access(rule: AccessRule): MethodDecorator & ClassDecorator {
  const metadata = SetMetadata(ACCESS_METADATA, rule);
  if (rule === 'public') return metadata;
  return applyDecorators(
    metadata,
    ApiBearerAuth(BEARER_SCHEME),
    ApiResponse({ status: 401, description: 'No bearer token, or one that is invalid or expired (WWW-Authenticate).' }),
    ...(typeof rule === 'object'
      ? [ApiResponse({ status: 403, description: `The token's roles include none of: ${rule.roles.join(', ')}.` })]
      : []),
  );
}

/** The platform's own routes (health probes, metrics): answered without a token whatever the schema says. */
export function Public(): MethodDecorator & ClassDecorator {
  return Access('public');
}
