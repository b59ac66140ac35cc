import { readEnv } from '../config/settings/api';
import { CORE } from '../config/settings/core';
/** Severity of a log line, as EFK and Loki understand it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Fields that follow one build through every function. */
export interface LogFields {
  fn?: string;
  buildId?: string;
  project?: string;
  eventId?: string;
  eventType?: string;
  [key: string]: unknown;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line carries `fields` too. */
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to stderr so that stdout stays free for command output. */
  write?: (line: string) => void;
  fields?: LogFields;
}

/**
 * A structured logger: one JSON object per line with `time`, `level`, `msg` and the bound
 * fields. Secrets never reach it: callers log identifiers, not configuration.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = ORDER[options.level ?? levelFromEnv()];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bound = options.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (ORDER[level] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...bound, ...fields }, errorReplacer));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ ...options, fields: { ...bound, ...fields } }),
  };
}

/** A logger that drops everything: for tests and quiet CLI runs. */
export const silentLogger: Logger = createLogger({ write: () => undefined });

function levelFromEnv(): LogLevel {
  // A bad CCP_LOG_LEVEL falls back to the default: logging must start even when nothing else can.
  return readEnv(CORE.logLevel, process.env);
}

/** Causes followed at most this deep, so a cause cycle cannot grow a line without end. */
const CAUSE_DEPTH = 5;

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? serializeError(value, CAUSE_DEPTH) : value;
}

/**
 * An Error as JSON: `name`, `message`, its `stack` (the frames say where it came from, which
 * `message` alone never did), a string or number `code`, the errors of an AggregateError and the
 * `cause` chain. JSON.stringify escapes the stack's newlines, so the event stays one line.
 * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Error/cause
 */
export function serializeError(error: Error, depth = CAUSE_DEPTH): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  const inner = (value: unknown): unknown =>
    value instanceof Error ? (depth > 0 ? serializeError(value, depth - 1) : { name: value.name, message: value.message }) : value;
  return {
    name: error.name,
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error instanceof AggregateError ? { errors: error.errors.map(inner) } : {}),
    ...(error.cause !== undefined ? { cause: inner(error.cause) } : {}),
  };
}
