import { CACHE_MANAGER, Cache, CacheInterceptor } from '@nestjs/cache-manager';
import { CallHandler, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { lastValueFrom, Observable, of, tap, throwError } from 'rxjs';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { CACHE_CONTROL_HEADER, CACHED_READ_CACHE_CONTROL } from '../http/cache-control';
import {
  CACHE_COALESCED,
  CACHE_ENTRIES_TOO_LARGE,
  CACHE_HITS,
  CACHE_MISSES,
  CacheLabel,
  CoalescedLabel,
} from '../metrics/metric-names';
import { claimsOf } from '../auth/principal';
import { scopeKey } from '../crud/row-scope';
import { CacheCircuit, CacheUnavailableError } from './cache-circuit';
import { CacheFreshness } from './cache-freshness';
import { CacheKeys, normalizeQuery, queryEmbeds } from './cache-keys';
import { CACHED_READ_METADATA, CachedReadMetadata } from './cached-read.metadata';
import { CachedEntry, EntityCache, VersionKey } from './entity-cache';
import { deleteIfHolding, setIfAbsent } from './redis-store';
import { SingleFlight } from './single-flight';

interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly params?: Record<string, string | undefined>;
}

interface EntryKeys {
  /** The versions the entry must have been read under, all still current, for a hit. */
  readonly versions: readonly VersionKey[];
  readonly entry: string;
  /** Held by the one instance reading the entry's answer from the database. */
  readonly lock: string;
}

/** What one MGET found: the entry's body when it counts, and the versions current then. */
interface Lookup {
  readonly hit: boolean;
  readonly body?: unknown;
  readonly versions: (string | undefined)[];
  readonly locked: boolean;
}

type Succeeded = { readonly ok: true; readonly body: unknown };
type Failed = { readonly ok: false; readonly error: unknown; readonly url: string };
/** What the request that read the database for a miss answered, shared with the misses that waited for it. */
type Answer = Succeeded | Failed;

/** The way out of the lock phase: the entry another instance stored, or go and read the database. */
type LockResult =
  | { readonly stored: true; readonly body: unknown }
  | { readonly stored: false; readonly versions: (string | undefined)[]; readonly token?: string };

/** The first pause between looks for an entry another instance is reading; it doubles up to the next. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 100;

/**
 * Nest's CacheInterceptor with versioned entries: one MGET reads an entry and the versions it must
 * match (EntityCache.itemVersions or listVersions), so a hit costs one Redis round trip and
 * an entry read before a write is never served after it. Counts hits and misses. Every Redis call
 * goes through the CacheCircuit: with Redis down, slow or hung, requests are served from the database.
 *
 * A miss on a hot key would otherwise send every concurrent request to the database (a stampede).
 * Concurrent misses of one instance for one entry, read under the same versions, share one database
 * read (SingleFlight); across instances, the one that takes the entry's lock in Redis reads, and the
 * others wait up to CACHE_LOCK_WAIT_MS for its entry before reading themselves (docs/runtime.md).
 */
@Injectable()
export class ApsoCacheInterceptor extends CacheInterceptor {
  private readonly logger = new Logger(ApsoCacheInterceptor.name);
  private readonly flights = new SingleFlight<Answer>();

  constructor(
    @Inject(CACHE_MANAGER) cacheManager: Cache,
    reflector: Reflector,
    private readonly entityCache: EntityCache,
    private readonly keys: CacheKeys,
    private readonly circuit: CacheCircuit,
    @InjectMetric(CACHE_HITS.name) private readonly hits: Counter<CacheLabel>,
    @InjectMetric(CACHE_MISSES.name) private readonly misses: Counter<CacheLabel>,
    @InjectMetric(CACHE_ENTRIES_TOO_LARGE.name) private readonly tooLarge: Counter<CacheLabel>,
    @InjectMetric(CACHE_COALESCED.name) private readonly coalesced: Counter<CoalescedLabel>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly freshness: CacheFreshness,
  ) {
    super(cacheManager, reflector);
  }

  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const read = this.reflector.get<CachedReadMetadata | undefined>(CACHED_READ_METADATA, context.getHandler());
    if (!read) return next.handle();
    const answer = await this.answerCachedRead(context, next, read);
    // Only a successful answer may be kept by clients: an error keeps the no-store every answer starts with.
    return answer.pipe(tap(() => this.allowClientCaching(context)));
  }

  private allowClientCaching(context: ExecutionContext): void {
    const httpAdapter = this.httpAdapterHost?.httpAdapter;
    if (httpAdapter)
      httpAdapter.setHeader(context.switchToHttp().getResponse(), CACHE_CONTROL_HEADER, CACHED_READ_CACHE_CONTROL);
  }

  private async answerCachedRead(
    context: ExecutionContext,
    next: CallHandler,
    read: CachedReadMetadata,
  ): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const keys = this.keysFor(read, request);
    // A write of this instance missed its invalidation: entries in Redis may predate it (CacheFreshness).
    if (!keys || this.freshness.suspect) return next.handle();
    const resource = read.resource.name;
    let found: Lookup;
    try {
      found = await this.lookUp(keys, false);
    } catch {
      // The store logs Redis errors and the circuit its timeouts; the database answers meanwhile.
      // Nothing is shared either: without the versions, a read in flight may predate a write just answered.
      return next.handle();
    }
    if (found.hit) {
      this.hits.inc({ resource });
      this.setHeadersWhenHttp(context, found.body);
      return of(found.body);
    }
    this.misses.inc({ resource });
    this.setHeadersWhenHttp(context, undefined);
    // Keyed by the versions too: a request that saw a write's new versions never gets a read from before it.
    const flightKey = `${keys.entry} ${found.versions.join(' ')}`;
    const inFlight = this.flights.joined(flightKey);
    if (inFlight) return this.answerWaiter(await inFlight, request, resource, next);
    const answer = await this.flights.lead(flightKey, () =>
      this.readThrough(read, keys, found.versions, request, next),
    );
    return answer.ok ? of(answer.body) : throwError(() => answer.error);
  }

  /**
   * A miss that waited for another request's read of the same entry. A success is the answer to both
   * (both requests were in progress while it was read). An error is shared only with the very same URL:
   * another spelling of the id or order of the query may fail differently (a pipe's 400 names what it
   * got), so that request runs its own handler. Sharing the same request's error keeps a failing or slow
   * database (503 after a timeout) from being asked again, and waited for again, by every waiter.
   */
  private answerWaiter(answer: Answer, request: HttpRequest, resource: string, next: CallHandler) {
    if (answer.ok || answer.url === request.url) this.coalesced.inc({ resource, scope: 'process' });
    if (answer.ok) return of(answer.body);
    if (answer.url === request.url) return throwError(() => answer.error);
    return next.handle();
  }

  /** The one database read of this instance for a missing entry (or the entry another instance stored meanwhile). */
  private async readThrough(
    read: CachedReadMetadata,
    keys: EntryKeys,
    versions: (string | undefined)[],
    request: HttpRequest,
    next: CallHandler,
  ): Promise<Answer> {
    const locked = await this.lockOrWait(keys, versions);
    if (locked.stored) {
      this.coalesced.inc({ resource: read.resource.name, scope: 'instances' });
      return { ok: true, body: locked.body };
    }
    try {
      const body = await lastValueFrom(next.handle());
      // Stored after the answer is sent, then unlocked: instances waiting find the entry before the lock is gone.
      void this.store(read, keys, locked.versions, body).then(() => this.unlock(keys, locked.token));
      return { ok: true, body };
    } catch (error) {
      // Only a successful answer is stored: a 404, a 400 from a pipe or any error frees the lock at once.
      void this.unlock(keys, locked.token);
      return { ok: false, error, url: request.url };
    }
  }

  /**
   * Takes the entry's lock in Redis, or waits for the instance that holds it to store the entry:
   * looks with one MGET, first after FIRST_POLL_MS and then less often, and takes the lock itself
   * when it is gone without an entry (that read failed). Gives up after CACHE_LOCK_WAIT_MS, or at
   * the first Redis call that fails or times out, and reads the database unlocked: a slow or dead
   * lock holder, or a hung Redis, delays a request by at most that.
   */
  private async lockOrWait(keys: EntryKeys, versions: (string | undefined)[]): Promise<LockResult> {
    const waitMs = this.config.cacheLockWaitMs;
    if (waitMs === 0) return { stored: false, versions };
    const deadline = Date.now() + waitMs;
    const token = randomUUID();
    const store = this.cacheManager.stores[0];
    let current = versions;
    try {
      let locked = false;
      for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
        if (!locked) {
          const taken = await this.circuit.call(() => setIfAbsent(store, keys.lock, token, this.config.cacheLockTtlMs));
          if (taken) return { stored: false, versions: current, token };
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) return { stored: false, versions: current };
        await sleep(Math.min(pause, remaining));
        const found = await this.lookUp(keys, true);
        if (found.hit) return { stored: true, body: found.body };
        current = found.versions;
        locked = found.locked;
      }
    } catch {
      return { stored: false, versions: current };
    }
  }
  /** One MGET of the entry, the versions it must match and, while waiting for another instance, its lock. */
  private async lookUp(keys: EntryKeys, withLock: boolean): Promise<Lookup> {
    const names = [...keys.versions.map((version) => version.key), keys.entry, ...(withLock ? [keys.lock] : [])];
    const values = (await this.circuit.call(() => this.cacheManager.mget(names))) as unknown[];
    const lock = withLock ? values.pop() : undefined;
    const entry = values.pop() as CachedEntry | undefined;
    const versions = values as (string | undefined)[];
    const hit = entry !== undefined && !versions.includes(undefined) && entry.version === versions.join(' ');
    return { hit, body: hit ? entry.body : undefined, versions, locked: lock !== undefined };
  }

  /** Frees the entry's lock if this request took it; a lock that cannot be freed expires after CACHE_LOCK_TTL_MS. */
  private async unlock(keys: EntryKeys, token: string | undefined): Promise<void> {
    if (token === undefined) return;
    try {
      await this.circuit.call(() => deleteIfHolding(this.cacheManager.stores[0], keys.lock, token));
    } catch (error) {
      if (!(error instanceof CacheUnavailableError))
        this.logger.warn(`could not unlock ${keys.lock}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The keys of a cacheable request; undefined for one that must not be cached. The whole normalized
   * query is part of the entry's key (filters, sort, fields, include), and an entry that embeds other
   * resources' rows (`include`) must match their version too. A query the route does not accept is
   * answered with a 400, which is never stored.
   */
  private keysFor(read: CachedReadMetadata, request: HttpRequest): EntryKeys | undefined {
    if (request.method !== 'GET') return undefined;
    // Scoped answers are the caller's tenant's: its entry is its own. Without a usable claim the handler refuses (403).
    const scope = scopeKey(read.resource, claimsOf(request));
    if (scope === undefined) return undefined;
    const queryStart = request.url.indexOf('?');
    const search = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
    const embeds = queryEmbeds(search);
    if (read.kind === 'list') {
      const entry = this.keys.list(read.resource, normalizeQuery(search), scope);
      return {
        versions: this.entityCache.listVersions(read.resource, embeds),
        entry,
        lock: this.keys.lock(read.resource, entry),
      };
    }
    const id = request.params?.id;
    if (id === undefined) return undefined;
    const entry = this.keys.item(read.resource, id, normalizeQuery(search), scope);
    return {
      versions: this.entityCache.itemVersions(read.resource, id, embeds),
      entry,
      lock: this.keys.lock(read.resource, entry),
    };
  }

  /**
   * Stores an answer under the versions read before the database was: if a write moved one since,
   * the entry never counts. A version absent then is claimed now (see EntityCache.claimVersion).
   * An answer larger than CACHE_MAX_ENTRY_BYTES is not stored: a page of large rows would otherwise
   * take megabytes of Redis per distinct query.
   */
  private async store(
    read: CachedReadMetadata,
    keys: EntryKeys,
    versionsBefore: (string | undefined)[],
    body: unknown,
  ) {
    // Read before a write whose invalidation Redis missed: its versions may never move.
    if (this.freshness.suspect) return;
    if (Buffer.byteLength(JSON.stringify(body)) > this.config.cacheMaxEntryBytes) {
      this.tooLarge.inc({ resource: read.resource.name });
      return;
    }
    try {
      const versions = await Promise.all(
        keys.versions.map((version, index) => versionsBefore[index] ?? this.entityCache.claimVersion(version)),
      );
      if (versions.includes(undefined)) return;
      const entry: CachedEntry = { version: versions.join(' '), body };
      await this.circuit.call(() => this.cacheManager.set(keys.entry, entry, read.ttlMs));
    } catch (error) {
      if (error instanceof CacheUnavailableError) return;
      this.logger.warn(`could not cache ${keys.entry}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
