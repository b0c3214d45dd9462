import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_PATH = 'docs';

/**
 * Serves the OpenAPI document built from the controllers and DTOs as JSON at /docs. No Swagger UI:
 * on Fastify it needs @fastify/static, and any OpenAPI viewer can load the JSON.
 */
export function serveOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('API').build());
  SwaggerModule.setup(OPENAPI_PATH, app, document, { ui: false, raw: ['json'], jsonDocumentUrl: OPENAPI_PATH });
}
