import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type LogContext, type Logger, redactSecrets } from '@totes/runtime';
import type { Context } from 'aws-lambda';

/**
 * The freshness metric the loader publishes and the stage's alarms watch: its namespace, name and dimensions are a
 * contract with `infra/` (the alarms match on exactly these dimensions, so no `service` dimension is added).
 */
export const SourceLagMetric = {
  namespace: 'Totes',
  name: 'SourceLagSeconds',
  dimensions: ['stage', 'table'],
} as const;

/** A Lambda entry's {@link Logger}, written by Powertools Logger, and the hook that adds an invocation's context. */
export interface LambdaLogger {
  readonly logger: Logger;
  /** Adds the invocation's request id, function name and cold start to every line that follows. */
  addContext(context: Context): void;
}

/**
 * The platform's {@link Logger} over Powertools Logger: the same calls as locally, written as Powertools' JSON (with
 * the Lambda context's fields), and every string redacted of connection passwords, as the local logger does.
 */
export function createLambdaLogger(service: string): LambdaLogger {
  const level = (process.env.TOTES_LOG_LEVEL ?? 'info').toUpperCase() as 'INFO';
  const root = new PowertoolsLogger({
    serviceName: `totes-${service}`,
    logLevel: level,
    jsonReplacerFn: (_key, value) => (typeof value === 'string' ? redactSecrets(value) : value),
  });
  return { logger: adapt(root), addContext: (context) => root.addContext(context) };
}

function adapt(powertools: PowertoolsLogger): Logger {
  return {
    debug: (message, fields) => powertools.debug(message, ownKeys(fields)),
    info: (message, fields) => powertools.info(message, ownKeys(fields)),
    warn: (message, fields) => powertools.warn(message, ownKeys(fields)),
    error: (message, fields) => powertools.error(message, ownKeys(fields)),
    child: (fields: LogContext) => adapt(childOf(powertools, fields)),
  };
}

function childOf(powertools: PowertoolsLogger, fields: LogContext): PowertoolsLogger {
  const child = powertools.createChild();
  child.appendPersistentKeys(ownKeys(fields));
  return child;
}

// Keys Powertools writes itself; `service` it already carries as `totes-<service>`.
const reservedKeys = new Set(['message', 'level', 'sampling_rate', 'timestamp']);

function ownKeys(fields: LogContext = {}): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'service') continue;
    keys[reservedKeys.has(key) ? `totes_${key}` : key] = value;
  }
  return keys;
}

/** The metrics a Lambda entry publishes, as CloudWatch Embedded Metric Format lines on stdout. */
export interface PlatformMetrics {
  /** How far the warehouse was behind a source table when a load made it consistent, in seconds. */
  sourceLag(table: string, seconds: number): void;
}

/** Powertools Metrics for one stage: each value is flushed at once, in its own EMF line with its dimensions. */
export function createPlatformMetrics(stage: string): PlatformMetrics {
  return {
    sourceLag(table, seconds) {
      const metrics = new Metrics({ namespace: SourceLagMetric.namespace });
      // Powertools adds a `service` dimension by default; the alarms match on stage and table alone.
      metrics.clearDefaultDimensions();
      metrics.addDimension('stage', stage);
      metrics.addDimension('table', table);
      metrics.addMetric(SourceLagMetric.name, MetricUnit.Seconds, Math.max(0, seconds));
      metrics.publishStoredMetrics();
    },
  };
}
