import { LoggerService } from '@nestjs/common';
import { Logger } from 'pino';

/**
 * Nest's LoggerService on top of pino, so framework messages (route mapping, startup errors) are JSON
 * lines like the request logs. Nest passes the context (class name) as the last string argument.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest calls error(message, stack, context); keep the stack as a field, not in the message.
    const [stack, ...others] = rest;
    const fields = typeof stack === 'string' && stack.includes('\n') ? { stack } : undefined;
    this.write('error', message, fields ? others : rest, fields);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace',
    message: unknown,
    rest: unknown[],
    fields: Record<string, unknown> = {},
  ): void {
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? rest[rest.length - 1] : undefined;
    const entry = { ...fields, ...(context === undefined ? {} : { context }) };
    if (message instanceof Error) this.logger[level]({ ...entry, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...entry, ...message });
    else this.logger[level](entry, String(message));
  }
}
