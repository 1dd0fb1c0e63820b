import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ServiceName, TopicName } from '@totes/model';
import {
  type AwsClients,
  awsRetryConfig,
  createAwsClients,
  createLake,
  createPool,
  createPublisher,
  type LineageNamespaces,
  type Logger,
  lineageNamespaces,
  type Publisher,
} from '@totes/runtime';
import type { Context } from 'aws-lambda';
import type pg from 'pg';
import { granted, type LambdaConfig, loadLambdaConfig } from './config';
import { LambdaVariable, topicVariable } from './contract';
import { NoSourceDatabaseError, NotGrantedError } from './errors';
import { type ZonedLake, zonedLake } from './lake';
import { createLambdaLogger, createPlatformMetrics, type PlatformMetrics } from './observability';
import { createQueueResolver, type QueueResolver } from './queues';
import { databaseUrlOf, type SecretReader, secretsManagerReader } from './secrets';

/**
 * What a Lambda entry needs from its container, each created on first use and then kept for the container's life:
 * importing an entry connects to nothing, and warm invocations reuse clients, pools and secrets.
 */
export interface LambdaRuntime {
  readonly service: ServiceName;
  readonly logger: Logger;
  config(): LambdaConfig;
  aws(): AwsClients;
  /** A read-only pool on the source, from the source secret; refused on an inbox-only stage, which has none. */
  sourcePool(): Promise<pg.Pool>;
  /** A pool on the warehouse (which also holds the platform's state), from the warehouse secret. */
  warehousePool(): Promise<pg.Pool>;
  /** The lake over the zones this function was given. */
  lake(): ZonedLake;
  /** Publishes to the topics this function was given, and refuses the others. */
  publisher(): Publisher;
  queues(): QueueResolver;
  /** The stage's CloudWatch metrics, published through Powertools Metrics. */
  metrics(): PlatformMetrics;
  /** Called as an invocation starts: its context (request id, cold start) goes into the log lines that follow. */
  invoked(context: Context | undefined): void;
  /** Where this stage's datasets live, for OpenLineage events: needs the warehouse secret and the source location. */
  namespaces(): Promise<LineageNamespaces>;
  /** Runs `task` once per container (a migration, say); a failed run is tried again on the next call. */
  once(key: string, task: () => Promise<void>): Promise<void>;
  /**
   * Runs `task`; if a database refuses the password it was given (the secret was rotated since the pool was made),
   * re-reads the secrets once, reconnects and runs `task` again, so a rotation costs no restart and no message.
   */
  withFreshCredentials<T>(task: () => Promise<T>): Promise<T>;
}

/** How a {@link LambdaRuntime} is made: on AWS, from `process.env` alone. */
export interface LambdaRuntimeOptions {
  readonly service: ServiceName;
  /** Defaults to `process.env`, read on first use. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to AWS Secrets Manager. */
  readonly secrets?: SecretReader;
  /** An emulator endpoint (fauxqs) for SQS, SNS and S3; unset on AWS. */
  readonly awsEndpoint?: string;
  /** Defaults to Powertools Logger. */
  readonly logger?: Logger;
}

/** Creates a Lambda entry's runtime. Nothing is read, created or connected until first asked for. */
export function createLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const { service } = options;
  const { logger, addContext } = options.logger
    ? { logger: options.logger, addContext: () => {} }
    : createLambdaLogger(service);
  const config = lazy(() => loadLambdaConfig(options.env ?? process.env));
  const aws = lazy(() => createAwsClients({ region: config().region, endpoint: options.awsEndpoint }));
  const secrets = lazy(
    () =>
      options.secrets ??
      secretsManagerReader(new SecretsManagerClient({ region: config().region, ...awsRetryConfig })),
  );
  const databaseUrl = async (secretArn: string | undefined, what: string, variable: string) => {
    const arn = granted(secretArn, what, variable);
    return databaseUrlOf(arn, await secrets().read(arn));
  };
  const warehouseUrl = lazyAsync(() =>
    databaseUrl(config().warehouseSecretArn, 'the warehouse secret', LambdaVariable.warehouseSecretArn),
  );
  const sourcePool = lazyAsync(async () => {
    if (config().inboxOnly) throw new NoSourceDatabaseError();
    return createPool(
      await databaseUrl(config().sourceSecretArn, 'the source secret', LambdaVariable.sourceSecretArn),
      { readOnly: true, max: 2, applicationName: `totes-${service}` },
    );
  });
  // The loader holds one connection per transaction of a large dataset's load.
  const warehousePool = lazyAsync(async () =>
    createPool(await warehouseUrl(), {
      max: Math.max(2, config().loadParallelism),
      applicationName: `totes-${service}`,
    }),
  );
  const namespaces = lazyAsync(async () => {
    const { stage, warehouseSchema, sourceLocation, rawLakeUrl, processedLakeUrl } = config();
    return lineageNamespaces({
      stage,
      sourceUrl: granted(sourceLocation, 'the source location', LambdaVariable.sourceLocation),
      warehouseUrl: await warehouseUrl(),
      warehouseSchema,
      lakeUrl: granted(processedLakeUrl ?? rawLakeUrl, 'a lake zone', LambdaVariable.processedLakeUrl),
    });
  });
  const lake = lazy(() => {
    const { rawLakeUrl, processedLakeUrl } = config();
    const open = (url: string | undefined) => (url ? createLake(url, { s3Client: aws().s3 }) : undefined);
    const raw = open(rawLakeUrl);
    const processed = open(processedLakeUrl);
    return zonedLake({ ...(raw ? { raw } : {}), ...(processed ? { processed } : {}) });
  });
  const publisher = lazy((): Publisher => {
    const topics = config().topics;
    const inner = createPublisher(aws().sns, topics as Record<TopicName, string>, { stage: config().stage });
    return {
      async publish(topic, message) {
        if (!topics[topic]) throw new NotGrantedError(`the ${topic} topic`, topicVariable(topic));
        await inner.publish(topic, message);
      },
    };
  });
  const queues = lazy(() => createQueueResolver(aws().sqs, config().stage));
  const metrics = lazy(() => createPlatformMetrics(config().stage));
  const reconnect = () => {
    for (const pool of [sourcePool, warehousePool]) pool.reset((old) => void old.end().catch(() => {}));
    warehouseUrl.reset();
    namespaces.reset();
  };
  const done = new Map<string, Promise<void>>();
  return {
    service,
    logger,
    config,
    aws,
    sourcePool,
    warehousePool,
    lake,
    publisher,
    queues,
    metrics,
    invoked(context) {
      if (context) addContext(context);
    },
    namespaces,
    async withFreshCredentials(task) {
      try {
        return await task();
      } catch (error) {
        if (!isAuthenticationFailure(error)) throw error;
        logger.warn('a database refused its credentials; re-reading the secrets and reconnecting', { error });
        reconnect();
        return task();
      }
    },
    once(key, task) {
      let running = done.get(key);
      if (!running) {
        running = task();
        running.catch(() => done.delete(key));
        done.set(key, running);
      }
      return running;
    },
  };
}

function lazy<T>(create: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: create() };
    return made.value;
  };
}

interface LazyAsync<T> {
  (): Promise<T>;
  /** Forgets the value, so the next call makes a new one; `dispose` is told of the old one, if it was made. */
  reset(dispose?: (old: T) => void): void;
}

function lazyAsync<T>(create: () => Promise<T>): LazyAsync<T> {
  let made: Promise<T> | undefined;
  const get = () => {
    if (!made) {
      const making = create();
      made = making;
      making.catch(() => {
        if (made === making) made = undefined;
      });
    }
    return made;
  };
  return Object.assign(get, {
    reset(dispose?: (old: T) => void) {
      const old = made;
      made = undefined;
      if (old && dispose) old.then(dispose, () => {});
    },
  });
}

// PostgreSQL's invalid_authorization_specification (28000) and invalid_password (28P01), anywhere in the causes.
const authenticationCodes = new Set(['28000', '28P01']);

/** Whether `error`, or an error that caused it, is a database refusing a login. */
export function isAuthenticationFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && authenticationCodes.has(code)) return true;
    current = cause;
  }
  return false;
}
