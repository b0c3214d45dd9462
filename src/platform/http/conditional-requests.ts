import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { entityTagOf, ifNoneMatchMatches } from './entity-tag';

const ENTITY_TAG_METADATA = 'apso:entity-tag';

/**
 * What a route does with entity tags: `read` (GET /:id) and `list` (GET of a collection) answer with
 * an ETag of the body and honour If-None-Match; `create`, `write` (PATCH, PUT) answer with the ETag
 * of the row they leave; `write` and `delete` take If-Match, which the service checks under the row lock.
 */
export type EntityTagRole = 'read' | 'list' | 'create' | 'write' | 'delete';

const ETAG_HEADER = {
  ETag: {
    description: "Strong entity tag of the row's representation; send it back in If-None-Match or If-Match.",
    schema: { type: 'string' },
  },
};

const PAGE_ETAG_HEADER = {
  ETag: {
    description: "Strong entity tag of the page's content; send it back in If-None-Match.",
    schema: { type: 'string' },
  },
};

/** If-None-Match on a read, and the 304 it may get. */
function notModifiedDecorators(): MethodDecorator[] {
  return [
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'ETags the client holds; 304 without a body when one is current.',
    }),
    ApiResponse({ status: 304, description: 'The representation tagged in If-None-Match is current.' }),
  ];
}

/** Marks a route for EntityTagInterceptor and documents its conditional headers in the OpenAPI document. */
export function EntityTag(role: EntityTagRole): MethodDecorator {
  const decorators: MethodDecorator[] = [SetMetadata(ENTITY_TAG_METADATA, role)];
  if (role === 'read')
    decorators.push(ApiResponse({ status: 200, description: '', headers: ETAG_HEADER }), ...notModifiedDecorators());
  if (role === 'list')
    decorators.push(
      ApiResponse({ status: 200, description: '', headers: PAGE_ETAG_HEADER }),
      ...notModifiedDecorators(),
    );
  if (role === 'create') decorators.push(ApiResponse({ status: 201, description: '', headers: ETAG_HEADER }));
  if (role === 'write') decorators.push(ApiResponse({ status: 200, description: '', headers: ETAG_HEADER }));
  if (role === 'write' || role === 'delete') {
    decorators.push(
      ApiHeader({
        name: 'If-Match',
        required: false,
        description: 'Change the row only if its current ETag is one of these (or `*`: it exists).',
      }),
      ApiResponse({ status: 412, description: 'If-Match named none of the current ETag; nothing changed.' }),
    );
  }
  return applyDecorators(...decorators);
}

/**
 * Sets the ETag of single-row answers and list pages. Global, so it sits outside the routes' own
 * interceptors and tags an answer served from the Redis cache exactly like one read from the database.
 */
@Injectable()
export class EntityTagInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const role = this.reflector.get<EntityTagRole | undefined>(ENTITY_TAG_METADATA, context.getHandler());
    if (role === undefined || role === 'delete') return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (body !== null && typeof body === 'object') void reply.header('etag', entityTagOf(body));
        return body;
      }),
    );
  }
}

/**
 * A GET or HEAD whose If-None-Match names the ETag of the answer gets 304 without a body (RFC 9110
 * 13.1.2), checked as the answer is sent since Nest sets the route's own status after interceptors.
 */
export function answerNotModified(instance: FastifyInstance): void {
  instance.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    const condition = request.headers['if-none-match'];
    const tag = reply.getHeader('etag');
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (
      read &&
      reply.statusCode === 200 &&
      condition &&
      typeof tag === 'string' &&
      ifNoneMatchMatches(condition, tag)
    ) {
      void reply.code(304).removeHeader('content-type').removeHeader('content-length');
      done(null, '');
      return;
    }
    done(null, payload);
  });
}
