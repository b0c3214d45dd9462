import pino, { DestinationStream, Logger } from 'pino';
import { LogLevel } from '../config/config';

/** Keys whose values never reach a log line, at the top level and up to two levels down. */
const SECRET_KEYS = ['password', 'secret', 'token'];

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/**
 * Errors are logged with their stack, but a failed query's bound parameters (user data, possibly
 * secrets) are dropped, and the driver error is reduced to its code.
 */
function serializeError(error: unknown): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const { parameters: _parameters, driverError, ...rest } = serialized;
  const code = (driverError as { code?: unknown } | undefined)?.code;
  return code === undefined ? rest : { ...rest, code };
}

/**
 * The one pino instance of the process: Fastify's request logger and Nest's logger both write through
 * it. Writes JSON lines to stdout unless given another destination.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
