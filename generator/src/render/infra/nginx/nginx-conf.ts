import type { DeploymentModel } from '../../../model/deployment';
import { apsoFile, type Artifact, text } from '../../artifact';
import { block, comment, directive, type NginxNode, serializeNginx } from './directives';
import { METRICS_PATH } from '../names';

/** Where docker-compose.scale.yml mounts the file, and where the generator writes it. */
export const NGINX_CONF_PATH = 'nginx/nginx.conf';
/** The compose service the balancer spreads requests over (see compose-scale.ts). */
export const API_SERVICE = 'api';
/** nginx's port inside its container; compose publishes it. */
export const NGINX_LISTEN_PORT = 80;

/** The platform's default HTTP_BODY_LIMIT_BYTES (src/platform/config/config.ts); a spec pins the two together. */
export const BODY_LIMIT_BYTES = 1_048_576;
/** The platform's HTTP_HEADERS_TIMEOUT_MS and HTTP_REQUEST_TIMEOUT_MS defaults, in seconds. */
const HEADERS_TIMEOUT_SECONDS = 10;
const REQUEST_TIMEOUT_SECONDS = 30;
/**
 * Below the platform's HTTP_KEEP_ALIVE_TIMEOUT_MS (72 s): the balancer, not the app, closes an idle
 * upstream connection, so nginx never sends a request on a socket the app is closing.
 */
const UPSTREAM_KEEPALIVE_SECONDS = 60;
/** One retry on another instance at most: a failing backend costs at most twice, never a storm. */
const NEXT_UPSTREAM_TRIES = 2;

export interface NginxOptions {
  /** `server` entries of the upstream: host:port. */
  readonly upstreamServers: readonly string[];
  readonly listen: string | number;
}

export const NGINX_ARTIFACT: Artifact = {
  name: 'nginx',
  files: ({ model }) => [apsoFile(NGINX_CONF_PATH, text(serializeNginx(nginxConf(model.deployment))))],
};

export function defaultNginxOptions(deployment: DeploymentModel): NginxOptions {
  return { upstreamServers: [`${API_SERVICE}:${deployment.port}`], listen: NGINX_LISTEN_PORT };
}

/** The load balancer in front of the API replicas of docker-compose.scale.yml. */
export function nginxConf(deployment: DeploymentModel, options = defaultNginxOptions(deployment)): NginxNode[] {
  return [
    ...comment(
      `Load balancer for ${deployment.image}, written by apso generate; change the generator, not this file.`,
      '',
      `Docker's DNS answers "${API_SERVICE}" with the address of every replica. nginx resolves the upstream's`,
      'server names once, when it starts (or reloads), and balances over the addresses it got then:',
      'after `docker compose up --scale api=N` changes the replicas, run',
      '`docker compose exec nginx nginx -s reload` (or restart nginx) so new replicas receive requests;',
      'a removed replica fails its connections and the passive health check skips it until then.',
    ),
    directive('worker_processes', 'auto'),
    directive('error_log', 'stderr', 'warn'),
    block('events', [], [directive('worker_connections', 4096)]),
    block('http', [], httpBlock(deployment, options)),
  ];
}

function httpBlock(deployment: DeploymentModel, options: NginxOptions): NginxNode[] {
  return [
    directive('server_tokens', 'off'),
    ...comment('Probes (health checks, Prometheus) would drown the requests that matter in the access log.'),
    block(
      'map',
      ['$uri', '$loggable'],
      [directive('~^/health/', 0), directive(METRICS_PATH, 0), directive('default', 1)],
    ),
    ...comment("The caller's X-Request-Id when it sent one (the API checks its form), nginx's own otherwise."),
    block(
      'map',
      ['$http_x_request_id', '$forwarded_request_id'],
      [directive('default', '$http_x_request_id'), directive('', '$request_id')],
    ),
    ...comment('A proxy in front of this one (TLS termination) has said which scheme the client used.'),
    block(
      'map',
      ['$http_x_forwarded_proto', '$forwarded_proto'],
      [directive('default', '$http_x_forwarded_proto'), directive('', '$scheme')],
    ),
    directive('log_format', 'balancer', 'escape=json', ACCESS_LOG_FORMAT),
    directive('access_log', '/dev/stdout', 'balancer', 'if=$loggable'),
    directive('client_max_body_size', BODY_LIMIT_BYTES),
    directive('client_header_timeout', `${HEADERS_TIMEOUT_SECONDS}s`),
    directive('client_body_timeout', `${HEADERS_TIMEOUT_SECONDS}s`),
    directive('keepalive_timeout', '65s'),
    block('upstream', [API_SERVICE], upstreamBlock(options)),
    block('server', [], serverBlock(deployment, options)),
  ];
}

const ACCESS_LOG_FORMAT =
  '{"time":"$time_iso8601","request_id":"$forwarded_request_id","remote_addr":"$remote_addr",' +
  '"method":"$request_method","uri":"$request_uri","status":$status,"bytes":$body_bytes_sent,' +
  '"request_time":$request_time,"upstream":"$upstream_addr","upstream_status":"$upstream_status",' +
  '"upstream_time":"$upstream_response_time"}';

function upstreamBlock(options: NginxOptions): NginxNode[] {
  return [
    ...comment('The instance with the fewest requests in flight: a slow request does not pile more onto its instance.'),
    directive('least_conn'),
    ...comment(
      'Shared memory for the counts of requests in flight and of failures: without it each worker',
      'process balances and marks instances down on its own, and least_conn degrades to round robin.',
    ),
    directive('zone', `${API_SERVICE}_upstream`, '64k'),
    ...comment(
      'Passive health check: 3 failures (errors, timeouts, and the statuses proxy_next_upstream lists)',
      'within 10 s take an address out for 10 s.',
    ),
    ...options.upstreamServers.map((server) => directive('server', server, 'max_fails=3', 'fail_timeout=10s')),
    ...comment('Idle connections kept open per worker: no TCP handshake per request.'),
    directive('keepalive', 32),
    directive('keepalive_timeout', `${UPSTREAM_KEEPALIVE_SECONDS}s`),
  ];
}

function serverBlock(deployment: DeploymentModel, options: NginxOptions): NginxNode[] {
  return [
    directive('listen', options.listen),
    block(
      'location',
      ['/'],
      [
        directive('proxy_pass', `http://${API_SERVICE}`),
        ...comment('HTTP/1.1 without "Connection: close" is what lets upstream connections be kept alive.'),
        directive('proxy_http_version', '1.1'),
        directive('proxy_set_header', 'Connection', ''),
        directive('proxy_set_header', 'Host', '$host'),
        directive('proxy_set_header', 'X-Forwarded-For', '$proxy_add_x_forwarded_for'),
        directive('proxy_set_header', 'X-Forwarded-Proto', '$forwarded_proto'),
        directive('proxy_set_header', 'X-Forwarded-Host', '$host'),
        directive('proxy_set_header', 'X-Request-Id', '$forwarded_request_id'),
        ...comment(
          'A request that fails on one instance before its answer started is tried on another.',
          'nginx never does so for POST, PATCH or LOCK (non_idempotent is deliberately not listed):',
          'a write the first instance may have made is not repeated.',
        ),
        directive('proxy_next_upstream', 'error', 'timeout', 'http_502', 'http_503', 'http_504'),
        directive('proxy_next_upstream_tries', NEXT_UPSTREAM_TRIES),
        directive('proxy_next_upstream_timeout', `${REQUEST_TIMEOUT_SECONDS}s`),
        directive('proxy_connect_timeout', '2s'),
        ...comment(
          `The API bounds a statement at ${deployment.database.statementTimeoutMs} ms and a request at ${REQUEST_TIMEOUT_SECONDS} s; a little more here.`,
        ),
        directive('proxy_send_timeout', `${REQUEST_TIMEOUT_SECONDS + 5}s`),
        directive('proxy_read_timeout', `${REQUEST_TIMEOUT_SECONDS + 5}s`),
      ],
    ),
  ];
}
