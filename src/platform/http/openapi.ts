import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../auth/access.decorator';
import { AUTH_SETTINGS, type AuthSettings } from '../auth/token-verifier';
import { PROBLEM_TYPE_BASE } from './error-body';
import { toOpenApi31 } from './openapi-31';

/** Where the OpenAPI document is served, as JSON. */
export const OPENAPI_PATH = '/openapi.json';
/** Where the docs page (Swagger UI, its assets served by this app) is served. */
export const DOCS_PATH = '/docs';

/** What the document says about the API itself; the generator writes it from the schema (src/generated/api-info.ts). */
export interface ApiInfo {
  /** The schema's `name`. */
  readonly title: string;
  /** The document's `info.version`; 1.0.0 when not given. */
  readonly version?: string;
}

/** For an app built without the generated API_INFO (a main.ts written before it existed). */
const FALLBACK_INFO: ApiInfo = { title: 'API' };

// The package exports these types only from an internal path; derived from the document's instead.
type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];
type ResponseObject = { description: string; content?: unknown };

const PROBLEM_SCHEMA_NAME = 'Problem';

/** The body of every error response, as src/platform/http/error-body.ts builds it. */
const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details, with the members of Nest-shaped errors kept for older clients.',
  required: ['type', 'title', 'status', 'detail', 'statusCode', 'error', 'message'],
  properties: {
    type: { type: 'string', description: `about:blank, or ${PROBLEM_TYPE_BASE}<slug> (see docs/runtime.md)` },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request id (X-Request-Id).' },
    fields: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'errors'],
        properties: { field: { type: 'string' }, errors: { type: 'array', items: { type: 'string' } } },
      },
    },
    statusCode: { type: 'integer', description: 'Same as status.' },
    error: { type: 'string', description: 'The status phrase.' },
    message: { type: 'string', description: 'Same as detail.' },
  },
};

const PROBLEM_CONTENT = {
  'application/problem+json': { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` } },
};

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** The errors an operation can answer with, by what it takes; every other one is `default`. */
function errorStatuses(path: string, method: string, hasInput: boolean): Record<string, string> {
  return {
    ...(hasInput ? { '400': 'Invalid input; `fields` names each failing field.' } : {}),
    ...(path.includes('{') ? { '404': 'No such row.' } : {}),
    ...(WRITE_METHODS.has(method) ? { '409': 'A unique value, a reference or the row version conflicts.' } : {}),
    '503': 'The database is temporarily unavailable; retry after Retry-After seconds.',
    default: 'Any other error (405, 413, 415, 500...), as a problem.',
  };
}

/**
 * Every error response of every operation is documented as the Problem schema, in
 * application/problem+json: the ones the decorators declare (412 of If-Match) and the ones every
 * operation of its kind can answer. Done on the built document so that no controller can forget it.
 */
export function withProblemResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components };
  document.components.schemas = { ...document.components.schemas, [PROBLEM_SCHEMA_NAME]: PROBLEM_SCHEMA };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (operation === null || typeof operation !== 'object' || !('responses' in operation)) continue;
      const hasInput = Boolean(operation.requestBody) || (operation.parameters ?? []).length > 0;
      const responses = operation.responses as Record<string, ResponseObject>;
      for (const [status, description] of Object.entries(errorStatuses(path, method, hasInput)))
        responses[status] ??= { description };
      // An error a decorator declared with its own body keeps it: /health/ready's 503 is Terminus's report.
      for (const [status, response] of Object.entries(responses)) {
        if (status === 'default' || Number(status) >= 400) response.content ??= PROBLEM_CONTENT;
      }
    }
  }
  return document;
}

/**
 * A PATCH changes only the properties it carries: one left out keeps its value rather than taking the
 * column's default. The update DTOs are PartialType copies of the create DTOs and inherit their
 * `default`s, which would tell a client otherwise; they are removed from the schemas PATCH bodies use.
 */
export function withoutDefaultsOnPatch(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas ?? {};
  for (const item of Object.values(document.paths)) {
    const body = item.patch?.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined;
    const name = body?.content?.['application/json']?.schema?.$ref?.replace('#/components/schemas/', '');
    const schema = name === undefined ? undefined : (schemas[name] as { properties?: Record<string, object> });
    for (const property of Object.values(schema?.properties ?? {})) delete (property as { default?: unknown }).default;
  }
  return document;
}

/**
 * With authentication (some operation names the bearer scheme, see auth/access.decorator.ts), the
 * scheme is declared and every other operation says `security: []`: public, on purpose. Without it
 * the document is left as it was, every operation public through the document's empty `security`.
 * With API keys (`apiKeyHeader`), their scheme is declared too, and a protected operation accepts
 * either: a bearer token or a key (two requirement objects: one or the other).
 */
export function withBearerSecurity(document: OpenAPIObject, apiKeyHeader?: string): OpenAPIObject {
  const operations = Object.values(document.paths).flatMap((item) =>
    Object.values(item).filter(
      (operation): operation is { security?: Record<string, string[]>[] } =>
        operation !== null && typeof operation === 'object' && 'responses' in operation,
    ),
  );
  const protectedOperation = (operation: { security?: Record<string, string[]>[] }) =>
    (operation.security ?? []).some((requirement) => BEARER_SCHEME in requirement);
  if (!operations.some(protectedOperation)) return document;
  document.components = {
    ...document.components,
    securitySchemes: {
      ...document.components?.securitySchemes,
      [BEARER_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A JWT in `Authorization: Bearer <token>` (docs/auth.md).',
      },
      ...(apiKeyHeader === undefined
        ? {}
        : {
            [API_KEY_SCHEME]: {
              type: 'apiKey',
              in: 'header',
              name: apiKeyHeader,
              description: `An API key in the \`${apiKeyHeader}\` header, instead of a bearer token (docs/auth.md#api-keys).`,
            },
          }),
    },
  };
  for (const operation of operations) {
    if (!protectedOperation(operation)) operation.security = [];
    else if (apiKeyHeader !== undefined) operation.security = [{ [BEARER_SCHEME]: [] }, { [API_KEY_SCHEME]: [] }];
  }
  return document;
}

/** The API key header of an app built with AuthModule and `auth.apiKey`; undefined otherwise. */
function apiKeyHeaderOf(app: INestApplication): string | undefined {
  try {
    return app.get<AuthSettings>(AUTH_SETTINGS, { strict: false }).apiKey?.header;
  } catch {
    // No AuthModule: the schema has no auth.
    return undefined;
  }
}

/**
 * The document as this app serves it: OpenAPI 3.1, titled from the schema, with `servers` (PUBLIC_URL,
 * or `/`: the host the document was fetched from), every error response as a problem, and an explicit
 * empty top-level `security`: an operation that needs a token says so itself (withBearerSecurity).
 */
export function buildOpenApiDocument(
  app: INestApplication,
  info: ApiInfo = FALLBACK_INFO,
  publicUrl?: string,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(info.title)
    .setVersion(info.version ?? '1.0.0')
    .setDescription(`The REST API of ${info.title}, generated by apso. Errors are RFC 9457 problem details.`)
    .addServer(
      publicUrl ?? '/',
      publicUrl ? 'The configured public URL (PUBLIC_URL).' : 'The server serving this document.',
    )
    .build();
  const document = withBearerSecurity(
    withoutDefaultsOnPatch(withProblemResponses(SwaggerModule.createDocument(app, config))),
    apiKeyHeaderOf(app),
  );
  document.security = [];
  return toOpenApi31(document);
}

/**
 * Serves the document at /openapi.json and Swagger UI at /docs. The UI's scripts and styles come
 * from the swagger-ui-dist package through @fastify/static, never from a CDN, so the page works
 * offline and behind a strict egress policy.
 */
export function serveOpenApi(app: INestApplication, info?: ApiInfo, publicUrl?: string): void {
  const document = buildOpenApiDocument(app, info, publicUrl);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    ui: true,
    raw: ['json'],
    jsonDocumentUrl: OPENAPI_PATH,
    customSiteTitle: `${document.info.title} API`,
    // Swagger UI would otherwise ask validator.swagger.io to validate the document and show its badge.
    swaggerOptions: { validatorUrl: null },
  });
}
