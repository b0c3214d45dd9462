import { QueryFailedError } from 'typeorm';

/**
 * Why a database could not be reached, bounded so that it can be a metric label: the connection
 * was refused, the host could not be reached, connecting timed out, the connection was cut, the
 * server refused new connections (starting up, or out of connection slots), or a connection exception.
 */
export type ConnectivityFault =
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'terminated'
  | 'cannot_connect_now'
  | 'too_many_connections'
  | 'connection_exception';

/** Socket errors (Node's `code`) of a connection to the database that failed or broke. */
const SOCKET_FAULTS = new Map<string, ConnectivityFault>(
  Object.entries({
    ECONNREFUSED: 'refused',
    EHOSTUNREACH: 'unreachable',
    ENETUNREACH: 'unreachable',
    ENOTFOUND: 'unreachable',
    EAI_AGAIN: 'unreachable',
    ETIMEDOUT: 'timeout',
    ECONNRESET: 'terminated',
    EPIPE: 'terminated',
  }),
);

/**
 * SQLSTATEs sent by a server that is shutting down, starting up or refusing connections: 57P01
 * admin_shutdown (also what pg_terminate_backend sends), 57P02 crash_shutdown, 57P03
 * cannot_connect_now, 53300 too_many_connections. Class 08 (connection exception) is matched by prefix.
 */
const SQLSTATE_FAULTS = new Map<string, ConnectivityFault>(
  Object.entries({
    '57P01': 'terminated',
    '57P02': 'terminated',
    '57P03': 'cannot_connect_now',
    '53300': 'too_many_connections',
  }),
);

/**
 * node-postgres reports a lost connection, and pg-pool a connect that timed out, with plain Errors
 * that carry no code; their messages are the only way to recognise them.
 */
const MESSAGE_FAULTS: [RegExp, ConnectivityFault][] = [
  [/^Connection terminated due to connection timeout/, 'timeout'], // pg-pool's connect
  [/^timeout exceeded when trying to connect$/, 'timeout'], // pg-pool, no free connection in time
  [/^timeout expired$/, 'timeout'], // a pg Client's own connect
  [/^Connection terminated/, 'terminated'], // 'Connection terminated unexpectedly'
  [/^Client has encountered a connection error and is not queryable$/, 'terminated'],
];

/**
 * The connectivity fault an error of pg or TypeORM stands for, or undefined when the server answered
 * and the request or the code is wrong (a bad value, a constraint, a statement timeout): only the
 * former may succeed on another server or a few seconds later. TypeORM wraps errors raised by a
 * query in QueryFailedError; errors from acquiring a connection arrive unwrapped.
 */
export function connectivityFault(error: unknown): ConnectivityFault | undefined {
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  if (!(cause instanceof Error)) return undefined;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^08[0-9A-Z]{3}$/.test(code)) return 'connection_exception';
    return SOCKET_FAULTS.get(code) ?? SQLSTATE_FAULTS.get(code);
  }
  return MESSAGE_FAULTS.find(([pattern]) => pattern.test(cause.message))?.[1];
}
