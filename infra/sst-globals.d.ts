/**
 * The SST v4 globals that `sst.config.ts` and `infra/` use, declared by hand.
 *
 * `sst install` generates the full declarations in `.sst/platform/config.d.ts`, but it downloads Pulumi and its
 * providers, which needs the network; these cover exactly what infra uses, with the argument shapes of SST 4.17.1's
 * components (`platform/src/components/aws/{bucket,sns-topic,queue,function,cron-v2}.ts`) and of the Pulumi AWS
 * provider. The tests replace every one of them with a recording stand-in (`packages/aws-entry/test/sst-fakes.ts`).
 * The file is not named `sst-env.d.ts`: SST writes a file of that name, of its own, into every folder that has a
 * `package.json`, and would overwrite it.
 */

/** A value known once the deploy runs: Pulumi's `Output`. */
interface SstOutput<T> {
  apply<U>(callback: (value: T) => U): SstOutput<U>;
}
type SstInput<T> = T | Promise<T> | SstOutput<T>;
type SstDuration = `${number} ${'second' | 'seconds' | 'minute' | 'minutes' | 'hour' | 'hours'}`;
type SstSize = `${number} MB` | `${number} GB`;

interface SstPermission {
  effect?: 'allow' | 'deny';
  actions: string[];
  resources: SstInput<string>[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

interface SstAppConfig {
  name: string;
  home: 'aws';
  removal?: 'remove' | 'retain' | 'retain-all';
  protect?: boolean;
}

interface SstConfig {
  app(input: { stage: string }): SstAppConfig;
  run(): Promise<Record<string, unknown> | undefined>;
}

declare function $config(config: SstConfig): SstConfig;
declare const $app: {
  readonly name: string;
  readonly stage: string;
  readonly removal: 'remove' | 'retain' | 'retain-all';
  readonly protect: boolean;
};
declare function $interpolate(literals: TemplateStringsArray, ...placeholders: unknown[]): SstOutput<string>;

declare namespace sst.aws {
  interface BucketArgs {
    versioning?: boolean;
    enforceHttps?: boolean;
    cors?: false;
    transform?: { bucket?: { bucketPrefix?: string; forceDestroy?: boolean } };
  }
  class Bucket {
    constructor(name: string, args?: BucketArgs);
    readonly name: SstOutput<string>;
    readonly arn: SstOutput<string>;
  }

  interface SnsTopicSubscriberArgs {
    /** The subscription's filter policy on message attributes. */
    filter?: Record<string, readonly string[]>;
    transform?: { subscription?: { rawMessageDelivery?: boolean } };
  }
  class SnsTopic {
    constructor(name: string, args?: { transform?: { topic?: { name?: string } } });
    readonly arn: SstOutput<string>;
    readonly name: SstOutput<string>;
    subscribeQueue(name: string, queue: SstInput<string> | Queue, args?: SnsTopicSubscriberArgs): unknown;
  }

  interface QueueArgs {
    visibilityTimeout?: SstDuration;
    dlq?: SstInput<string | { queue: SstInput<string>; retry: number }>;
    transform?: { queue?: { name?: string; messageRetentionSeconds?: number } };
  }
  interface QueueSubscriberArgs {
    batch?: { size?: number; window?: SstDuration; partialResponses?: boolean };
    transform?: { eventSourceMapping?: { scalingConfig?: { maximumConcurrency: number } } };
  }
  class Queue {
    constructor(name: string, args?: QueueArgs);
    readonly arn: SstOutput<string>;
    readonly url: SstOutput<string>;
    /** A queue has one subscriber: a handler, function args or a function's ARN. */
    subscribe(subscriber: SstInput<string>, args?: QueueSubscriberArgs): unknown;
  }

  interface FunctionArgs {
    name?: string;
    description?: string;
    handler: string;
    runtime?: 'nodejs20.x' | 'nodejs22.x' | 'nodejs24.x';
    architecture?: 'x86_64' | 'arm64';
    timeout?: SstDuration;
    memory?: SstSize;
    environment?: Record<string, SstInput<string>>;
    permissions?: SstPermission[];
    link?: unknown[];
    logging?: { retention?: '1 week' | '1 month' | '3 months' | '1 year'; format?: 'text' | 'json' };
    nodejs?: { install?: Record<string, string>; esbuild?: { external?: string[] } };
    /** For databases in a private VPC: the subnets and security groups the function runs in. */
    vpc?: SstInput<{
      privateSubnets: SstInput<SstInput<string>[]>;
      securityGroups: SstInput<SstInput<string>[]>;
    }>;
  }
  // biome-ignore lint/suspicious/noShadowRestrictedNames: SST names its Lambda component `sst.aws.Function`.
  class Function {
    constructor(name: string, args: FunctionArgs);
    readonly arn: SstOutput<string>;
    readonly name: SstOutput<string>;
  }

  interface CronV2Args {
    function: SstInput<string>;
    schedule: `rate(${string})` | `cron(${string})`;
    enabled?: boolean;
    retries?: number;
    transform?: { schedule?: { name?: string } };
  }
  /** A schedule on EventBridge Scheduler. */
  class CronV2 {
    constructor(name: string, args: CronV2Args);
  }
}

declare namespace aws.secretsmanager {
  /** Looks up an existing secret by name; fails the deploy when there is none. */
  function getSecretOutput(args: { name: SstInput<string> }): { readonly arn: SstOutput<string> };
}
