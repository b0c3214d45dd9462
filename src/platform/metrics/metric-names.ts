/**
 * Every metric the platform exports, with its labels. Dashboards and alerts are generated from this
 * module, so a metric or label that is not declared here must not be emitted anywhere.
 */

/** Label value used for requests that matched no route, so raw URLs never become label values. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds; spans a cache hit (~1 ms) to a request near the statement timeout. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

export const HTTP_REQUEST_DURATION = {
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by method, route template and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: LATENCY_BUCKETS,
};

export const DB_QUERY_DURATION = {
  name: 'db_query_duration_seconds',
  help: 'Database query duration in seconds, by connection (primary|replica) and success',
  labelNames: ['connection', 'success'] as const,
  buckets: LATENCY_BUCKETS,
};

export const CACHE_HITS = {
  name: 'cache_hits_total',
  help: 'Cached reads answered from the cache, by resource',
  labelNames: ['resource'] as const,
};

export const CACHE_MISSES = {
  name: 'cache_misses_total',
  help: 'Cacheable reads that had to run the handler, by resource',
  labelNames: ['resource'] as const,
};

export const CACHE_ENTRIES_TOO_LARGE = {
  name: 'cache_entries_too_large_total',
  help: 'Answers served but not cached because their JSON exceeded CACHE_MAX_ENTRY_BYTES, by resource',
  labelNames: ['resource'] as const,
};

export const CACHE_COALESCED = {
  name: 'cache_coalesced_total',
  help: 'Cache misses answered with the database read of another request, by resource and scope (process: a concurrent request of this instance; instances: the entry another instance stored while holding its lock)',
  labelNames: ['resource', 'scope'] as const,
};

export const DEPENDENCY_UP = {
  name: 'dependency_up',
  help: 'Whether an optional dependency answered its last health check (1) or not (0): redis or replica',
  labelNames: ['dependency'] as const,
};

export const CACHE_CIRCUIT_OPEN = {
  name: 'cache_circuit_open',
  help: 'Whether the cache circuit is open or probing (1: Redis is skipped) or closed (0)',
  labelNames: [] as const,
};

export const CACHE_CIRCUIT_OPENS = {
  name: 'cache_circuit_opens_total',
  help: 'Times the cache circuit opened after consecutive failed or timed-out Redis calls',
  labelNames: [] as const,
};

export const CACHE_FRESH = {
  name: 'cache_fresh',
  help: 'Whether this instance uses the cache (1) or bypasses it (0) until the invalidations Redis missed are applied',
  labelNames: [] as const,
};

export const CACHE_INVALIDATIONS_RELAYED = {
  name: 'cache_invalidations_relayed_total',
  help: 'Outbox rows of cache invalidations the relay applied to Redis (rows the inline move could not settle)',
  labelNames: [] as const,
};

export const DB_REPLICA_FALLBACKS = {
  name: 'db_replica_fallbacks_total',
  help: 'Reads the primary answered in place of the replica, by reason (a connectivity fault of the replica, circuit_open or not_connected)',
  labelNames: ['reason'] as const,
};

export const DB_REPLICA_CIRCUIT_OPEN = {
  name: 'db_replica_circuit_open',
  help: 'Whether the replica circuit is open or probing (1: reads go to the primary) or closed (0)',
  labelNames: [] as const,
};

export const AUTH_FAILURES = {
  name: 'auth_failures_total',
  help: 'Requests refused by authentication or an access rule, by reason (missing, invalid, expired, not_yet_valid, wrong_issuer, wrong_audience, forbidden, scope_claim, unavailable)',
  labelNames: ['reason'] as const,
};

export const DB_POOL_CONNECTIONS = {
  name: 'db_pool_connections',
  help: 'Connections of the pg pool, by connection (primary|replica) and state (in_use: checked out by a query or transaction; idle: open and free), read at scrape time',
  labelNames: ['connection', 'state'] as const,
};

export const DB_POOL_WAITING = {
  name: 'db_pool_waiting_requests',
  help: 'Queries and transactions waiting for a connection of the pg pool because all are in use, by connection (primary|replica), read at scrape time',
  labelNames: ['connection'] as const,
};

export const DB_POOL_MAX = {
  name: 'db_pool_max_connections',
  help: 'The most connections the pg pool opens (DB_POOL_MAX or DB_REPLICA_POOL_MAX), by connection (primary|replica)',
  labelNames: ['connection'] as const,
};

/*
 * prom-client's default metrics (MetricsModule turns them on), declared here too so that dashboards
 * and alerts name them from this list like the platform's own. Their names and help are prom-client's.
 */

export const PROCESS_CPU_SECONDS = {
  name: 'process_cpu_seconds_total',
  help: 'Total user and system CPU time spent in seconds.',
  labelNames: [] as const,
};

export const PROCESS_RESIDENT_MEMORY = {
  name: 'process_resident_memory_bytes',
  help: 'Resident memory size in bytes.',
  labelNames: [] as const,
};

export const PROCESS_START_TIME = {
  name: 'process_start_time_seconds',
  help: 'Start time of the process since unix epoch in seconds.',
  labelNames: [] as const,
};

export const NODEJS_HEAP_USED = {
  name: 'nodejs_heap_size_used_bytes',
  help: 'Process heap size used from Node.js in bytes.',
  labelNames: [] as const,
};

export const NODEJS_EVENT_LOOP_LAG_P99 = {
  name: 'nodejs_eventloop_lag_p99_seconds',
  help: 'The 99th percentile of the recorded event loop delays.',
  labelNames: [] as const,
};

export type HttpRequestLabel = (typeof HTTP_REQUEST_DURATION.labelNames)[number];
export type DbQueryLabel = (typeof DB_QUERY_DURATION.labelNames)[number];
export type CacheLabel = (typeof CACHE_HITS.labelNames)[number];
export type CoalescedLabel = (typeof CACHE_COALESCED.labelNames)[number];
export type DependencyLabel = (typeof DEPENDENCY_UP.labelNames)[number];
export type ReplicaFallbackLabel = (typeof DB_REPLICA_FALLBACKS.labelNames)[number];
export type AuthFailureLabel = (typeof AUTH_FAILURES.labelNames)[number];
export type PoolConnectionLabel = (typeof DB_POOL_CONNECTIONS.labelNames)[number];

/** Values of the `state` label of DB_POOL_CONNECTIONS. */
export type PoolConnectionState = 'in_use' | 'idle';

/** Values of the `dependency` label of DEPENDENCY_UP: the dependencies a pod can serve without. */
export type OptionalDependency = 'redis' | 'replica';

/** Values of the `connection` label of DB_QUERY_DURATION and the DB_POOL_* gauges. */
export type ConnectionLabel = 'primary' | 'replica';

/** The metrics endpoint path, scraped by Prometheus. */
export const METRICS_PATH = '/metrics';

/** Seconds from an event's write to its acknowledged delivery: relay, queue wait, retries and the call. */
const DELIVERY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export const QUEUE_JOBS = {
  name: 'queue_jobs',
  help: 'Jobs in a queue by state (waiting, active, delayed, completed, failed), read by the worker at scrape time; the dead-letter queue holds its jobs as waiting',
  labelNames: ['queue', 'state'] as const,
};

export const WEBHOOK_DELIVERY_DURATION = {
  name: 'webhook_delivery_seconds',
  help: 'Seconds from the write that recorded an event to its acknowledged delivery, by subscription',
  labelNames: ['subscription'] as const,
  buckets: DELIVERY_BUCKETS,
};

export const WEBHOOK_DELIVERY_ATTEMPTS = {
  name: 'webhook_delivery_attempts_total',
  help: 'Webhook delivery attempts by subscription and outcome (delivered; retried: network error, timeout, 429 or 5xx; rejected: another 4xx; dead: the last attempt failed, moved to the dead-letter queue)',
  labelNames: ['subscription', 'outcome'] as const,
};

export const EVENTS_RELAYED = {
  name: 'events_relayed_total',
  help: 'Entity events the worker moved from the outbox table to the webhook queue',
  labelNames: [] as const,
};

/** The metrics only the worker process exports (src/platform/jobs/); the API exports every other one. */
export const WORKER_METRIC_NAMES: readonly string[] = [
  QUEUE_JOBS.name,
  WEBHOOK_DELIVERY_DURATION.name,
  WEBHOOK_DELIVERY_ATTEMPTS.name,
  EVENTS_RELAYED.name,
];
