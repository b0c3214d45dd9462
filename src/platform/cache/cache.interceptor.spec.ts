import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestException, CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { firstValueFrom, from, Observable } from 'rxjs';
import { AppConfig } from '../config/config';
import { ResourceDefinition } from '../crud/resource';
import { CacheCircuit } from './cache-circuit';
import { CacheKeys } from './cache-keys';
import { ApsoCacheInterceptor } from './cache.interceptor';
import { CachedReadMetadata } from './cached-read.metadata';
import { CacheFreshness } from './cache-freshness';
import { EntityCache } from './entity-cache';
import { InvalidationOutbox } from './invalidation-outbox';

const WIDGETS: Pick<ResourceDefinition, 'name' | 'cache' | 'scope' | 'relations'> = {
  name: 'widgets',
  cache: { itemTtlSeconds: 60, listTtlSeconds: 10 },
  scope: null,
  relations: [],
};
const READ: CachedReadMetadata = { resource: WIDGETS as ResourceDefinition, kind: 'item', ttlMs: 60_000 };

/**
 * The interceptor over a Redis that has no entry cached, with the cross-instance lock off
 * (CACHE_LOCK_WAIT_MS=0); `versions()` is what each lookup finds for the row and rows versions.
 */
function interceptorOverEmptyCache(versions = (): unknown[] => [undefined, undefined]): ApsoCacheInterceptor {
  const keys = new CacheKeys('test');
  const cacheManager = { mget: async () => [...versions(), undefined], set: async () => true };
  const reflector = { get: () => READ } as unknown as Reflector;
  const counter = { inc: () => undefined };
  const circuit = { call: <T>(work: () => Promise<T>) => work() } as CacheCircuit;
  const config = { cacheLockWaitMs: 0, cacheLockTtlMs: 5_000, cacheMaxEntryBytes: 262_144 } as AppConfig;
  const freshness = new CacheFreshness({ set: () => undefined } as never);
  return new ApsoCacheInterceptor(
    cacheManager as never,
    reflector,
    new EntityCache(cacheManager as never, keys, circuit, freshness, {} as InvalidationOutbox),
    keys,
    circuit,
    counter as never,
    counter as never,
    counter as never,
    counter as never,
    config,
    freshness,
  );
}

function getRequest(url: string): ExecutionContext {
  const request = { method: 'GET', url, params: { id: url.slice(url.lastIndexOf('/') + 1) } };
  return {
    getHandler: () => getRequest,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

/** A handler that counts its runs and answers with what `answer` settles to. */
function handler(answer: Promise<unknown>) {
  const counted = { runs: 0, handle: (): Observable<unknown> => (counted.runs++, from(answer)) };
  return counted as CallHandler & { runs: number };
}

const settle = (observable: Observable<unknown>) =>
  firstValueFrom(observable).then(
    (body) => ({ body }),
    (error: unknown) => ({ error }),
  );

test('a miss that waits for a read of the same URL shares its answer, and its error', async () => {
  const interceptor = interceptorOverEmptyCache();
  let fail!: (error: unknown) => void;
  const leaderHandler = handler(new Promise((_, reject) => (fail = reject)));
  const leader = interceptor.intercept(getRequest('/widgets/7'), leaderHandler);
  await new Promise((resolve) => setImmediate(resolve));
  const waiterHandler = handler(Promise.resolve('never asked'));
  const waiter = interceptor.intercept(getRequest('/widgets/7'), waiterHandler);
  await new Promise((resolve) => setImmediate(resolve));

  const error = new BadRequestException('no widget 7 today');
  fail(error);
  assert.deepEqual(await settle(await leader), { error });
  assert.deepEqual(await settle(await waiter), { error }, 'the very same request gets the same error');
  assert.equal(leaderHandler.runs + waiterHandler.runs, 1, 'one handler ran for both');
});

test('a miss waiting for a read that failed for another spelling of its key runs its own handler', async () => {
  const interceptor = interceptorOverEmptyCache();
  let fail!: (error: unknown) => void;
  const leader = interceptor.intercept(getRequest('/widgets/07'), handler(new Promise((_, reject) => (fail = reject))));
  await new Promise((resolve) => setImmediate(resolve));
  // `/widgets/7` and `/widgets/07` share one entry, but a failure may depend on the text as sent.
  const ownHandler = handler(Promise.resolve({ id: 7 }));
  const waiter = interceptor.intercept(getRequest('/widgets/7'), ownHandler);
  await new Promise((resolve) => setImmediate(resolve));

  const error = new BadRequestException('07 is not how ids are written');
  fail(error);
  assert.deepEqual(await settle(await leader), { error });
  assert.deepEqual(await settle(await waiter), { body: { id: 7 } }, 'its own answer, not the other request error');
  assert.equal(ownHandler.runs, 1);
});

test('a miss waiting for a successful read of another spelling shares its answer', async () => {
  const interceptor = interceptorOverEmptyCache();
  let succeed!: (body: unknown) => void;
  const leader = interceptor.intercept(
    getRequest('/widgets/07'),
    handler(new Promise((resolve) => (succeed = resolve))),
  );
  await new Promise((resolve) => setImmediate(resolve));
  const ownHandler = handler(Promise.resolve('never asked'));
  const waiter = interceptor.intercept(getRequest('/widgets/7'), ownHandler);
  await new Promise((resolve) => setImmediate(resolve));

  succeed({ id: 7 });
  assert.deepEqual(await settle(await leader), { body: { id: 7 } });
  assert.deepEqual(await settle(await waiter), { body: { id: 7 } });
  assert.equal(ownHandler.runs, 0);
});

test('a miss that saw a write move the versions never shares a read that started before it', async () => {
  let rowVersion = 'before-the-write';
  const interceptor = interceptorOverEmptyCache(() => [rowVersion, 'rows']);
  let succeed!: (body: unknown) => void;
  const leader = interceptor.intercept(
    getRequest('/widgets/7'),
    handler(new Promise((resolve) => (succeed = resolve))),
  );
  await new Promise((resolve) => setImmediate(resolve));
  rowVersion = 'after-the-write';
  const ownHandler = handler(Promise.resolve({ id: 7, name: 'written' }));
  const waiter = interceptor.intercept(getRequest('/widgets/7'), ownHandler);
  await new Promise((resolve) => setImmediate(resolve));

  succeed({ id: 7, name: 'old' });
  assert.deepEqual(await settle(await leader), { body: { id: 7, name: 'old' } });
  assert.deepEqual(await settle(await waiter), { body: { id: 7, name: 'written' } });
});
