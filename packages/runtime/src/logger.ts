import { redactSecrets } from './redact';

/** The fields every log line may carry, so that one run can be followed across services. */
export interface LogContext {
  service?: string;
  runId?: string;
  messageId?: string;
  model?: string;
  table?: string;
  [field: string]: unknown;
}

export const LogLevel = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LogLevel;

/** A structured logger writing one JSON object per line. */
export interface Logger {
  debug(message: string, fields?: LogContext): void;
  info(message: string, fields?: LogContext): void;
  warn(message: string, fields?: LogContext): void;
  error(message: string, fields?: LogContext): void;
  /** A logger whose lines also carry these fields. */
  child(fields: LogContext): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
}

/** Creates a JSON-lines logger. Connection passwords are redacted from every line. */
export function createLogger(context: LogContext = {}, options: LoggerOptions = {}): Logger {
  const threshold =
    LogLevel[options.level ?? (process.env.TOTES_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? 20;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log =
    (level: LogLevel) =>
    (message: string, fields: LogContext = {}) => {
      if (LogLevel[level] < threshold) return;
      const line = JSON.stringify(
        { time: new Date().toISOString(), level, message, ...context, ...fields },
        errorsAsJson,
      );
      write(redactSecrets(line));
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger({ ...context, ...fields }, options),
  };
}

function errorsAsJson(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: value.message,
      ...(code ? { code } : {}),
      stack: value.stack?.split('\n').slice(0, 4).join('\n'),
    };
  }
  return value;
}
