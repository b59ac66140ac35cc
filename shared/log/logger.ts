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
  const level = process.env.CCP_LOG_LEVEL;
  return level === 'debug' || level === 'info' || level === 'warn' || level === 'error' ? level : 'info';
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
