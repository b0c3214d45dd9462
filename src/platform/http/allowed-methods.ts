import type { FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';

/**
 * The methods each registered path serves, matched by the same router Fastify uses (find-my-way), so
 * that a request whose path exists but whose method does not (`PATCH /tasks`) can be told apart from
 * an unknown path: 405 with an Allow header, not 404. Fastify's own router is not public.
 */
const routers = new WeakMap<
  FastifyInstance,
  { router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>; methods: Set<string> }
>();

const noop = (): void => undefined;

const CATCH_ALL = new Set(['*', '/*']);

/** Records every route the instance gets from now on; call before any route is registered. */
export function trackRouteMethods(instance: FastifyInstance): void {
  const router = FindMyWay();
  const methods = new Set<string>();
  const registered = new Set<string>();
  routers.set(instance, { router, methods });
  instance.addHook('onRoute', (route) => {
    // A catch-all route serves no resource: @fastify/cors's `OPTIONS *` exists only to let its hook
    // answer preflights, and must not make every path, known or not, allow OPTIONS.
    if (CATCH_ALL.has(route.url)) return;
    for (const method of [route.method].flat()) {
      const key = `${method} ${route.url}`;
      if (registered.has(key)) continue;
      registered.add(key);
      methods.add(method);
      router.on(method as FindMyWay.HTTPMethod, route.url, noop);
    }
  });
}

/** The methods the path of `url` is served with, in a stable order; empty for an unknown path. */
export function allowedMethods(instance: FastifyInstance, url: string): string[] {
  const tracked = routers.get(instance);
  if (!tracked) return [];
  const path = url.split('?', 1)[0];
  return [...tracked.methods]
    .filter((method) => tracked.router.find(method as FindMyWay.HTTPMethod, path) !== null)
    .sort();
}
