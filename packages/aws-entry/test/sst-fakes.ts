/**
 * Stand-ins for the SST globals that `sst.config.ts` and `infra/` use (`$config`, `$app`, `$interpolate`,
 * `sst.aws.*`, `aws.secretsmanager.getSecretOutput`), recording every resource and its arguments, so that the
 * infrastructure's `run()` can be executed and inspected without the SST CLI, Pulumi or an AWS account.
 *
 * They follow SST 4.17.1 where it matters to what is asserted: a component name must be unique (ignoring case),
 * may not contain spaces or be "App"; a queue takes one subscriber; `subscribeQueue(name, …)` names its subscriber
 * `<topic>Subscriber<name>`. ARNs are built from the physical names the infrastructure sets, so a resource left to
 * be named by SST shows up as `UNNAMED-…`.
 */

export const fakeAccount = '123456789012';
export const fakeRegion = 'eu-west-2';

/** A resolved Pulumi `Output`. */
export class FakeOutput<T> {
  constructor(readonly value: T) {}
  apply<U>(callback: (value: T) => U): FakeOutput<U> {
    const next = callback(this.value);
    return next instanceof FakeOutput ? (next as FakeOutput<U>) : new FakeOutput(next);
  }
}

/** A value with every {@link FakeOutput} inside it replaced by its value. */
export function resolved<T = unknown>(value: unknown): T {
  if (value instanceof FakeOutput) return resolved(value.value);
  if (Array.isArray(value)) return value.map((item) => resolved(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolved(item)])) as T;
  }
  return value as T;
}

/** One call the infrastructure made: a component created, a subscription added, a secret looked up. */
export interface Recorded {
  readonly type: string;
  readonly name: string;
  /** The arguments as given, outputs resolved. */
  readonly args: Record<string, unknown>;
}

/** The recording of one `run()`. */
export interface SstFakes {
  readonly records: Recorded[];
  of(type: string): Recorded[];
  one(type: string, name: string): Recorded;
  /** Puts the previous globals back. */
  restore(): void;
}

const globalNames = ['$config', '$app', '$interpolate', 'sst', 'aws'] as const;

/** Installs `$config` alone, as SST does before it loads `sst.config.ts`. */
export function installConfigGlobal(): void {
  Object.assign(globalThis, { $config: <T>(config: T) => config });
}

/** Installs recording stand-ins of SST's globals for a deploy of `app` to `stage`. */
export function installSstFakes(app: {
  name: string;
  stage: string;
  removal: string;
  protect: boolean;
}): SstFakes {
  const records: Recorded[] = [];
  const names = new Set<string>();
  const record = (type: string, name: string, args: unknown) => {
    if (name.includes(' ')) throw new Error(`component name "${name}" contains a space`);
    if (name.toLowerCase() === 'app') throw new Error('component name "App" is reserved');
    if (names.has(name.toLowerCase())) throw new Error(`component name ${name} is not unique`);
    names.add(name.toLowerCase());
    records.push({ type, name, args: resolved(args) as Record<string, unknown> });
  };
  const physical = (given: unknown, logical: string) =>
    typeof given === 'string' ? given : `UNNAMED-${logical}`;
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${fakeRegion}:${fakeAccount}:${resource}`;

  class Bucket {
    readonly name: FakeOutput<string>;
    readonly arn: FakeOutput<string>;
    constructor(name: string, args: { transform?: { bucket?: { bucketPrefix?: string } } } = {}) {
      record('sst.aws.Bucket', name, args);
      const prefix = args.transform?.bucket?.bucketPrefix;
      const bucketName = prefix ? `${prefix}20240101abcdef` : `UNNAMED-${name.toLowerCase()}`;
      this.name = new FakeOutput(bucketName);
      this.arn = new FakeOutput(`arn:aws:s3:::${bucketName}`);
    }
  }

  class SnsTopic {
    readonly arn: FakeOutput<string>;
    readonly name: FakeOutput<string>;
    constructor(
      readonly logical: string,
      args: { transform?: { topic?: { name?: string } } } = {},
    ) {
      record('sst.aws.SnsTopic', logical, args);
      const topicName = physical(args.transform?.topic?.name, logical);
      this.name = new FakeOutput(topicName);
      this.arn = new FakeOutput(arn('sns', topicName));
    }
    subscribeQueue(name: string, queue: unknown, args: Record<string, unknown> = {}) {
      record('sst.aws.SnsTopic.subscribeQueue', `${this.logical}Subscriber${name}`, {
        topic: this.arn,
        queue: queue instanceof Queue ? queue.arn : queue,
        ...args,
      });
    }
  }

  class Queue {
    readonly arn: FakeOutput<string>;
    readonly url: FakeOutput<string>;
    private subscribed = false;
    constructor(
      readonly logical: string,
      args: { transform?: { queue?: { name?: string } } } = {},
    ) {
      record('sst.aws.Queue', logical, args);
      const queueName = physical(args.transform?.queue?.name, logical);
      this.arn = new FakeOutput(arn('sqs', queueName));
      this.url = new FakeOutput(`https://sqs.${fakeRegion}.amazonaws.com/${fakeAccount}/${queueName}`);
    }
    subscribe(subscriber: unknown, args: Record<string, unknown> = {}) {
      if (this.subscribed) throw new Error(`Cannot subscribe to the "${this.logical}" queue multiple times.`);
      this.subscribed = true;
      record('sst.aws.Queue.subscribe', `${this.logical}Subscriber`, {
        queue: this.arn,
        subscriber,
        ...args,
      });
    }
  }

  class FakeFunction {
    readonly arn: FakeOutput<string>;
    readonly name: FakeOutput<string>;
    constructor(name: string, args: { name?: string }) {
      record('sst.aws.Function', name, args);
      const functionName = physical(args.name, name);
      this.name = new FakeOutput(functionName);
      this.arn = new FakeOutput(arn('lambda', `function:${functionName}`));
    }
  }

  class CronV2 {
    constructor(name: string, args: Record<string, unknown>) {
      record('sst.aws.CronV2', name, args);
    }
  }

  const getSecretOutput = (args: { name: string }) => {
    records.push({ type: 'aws.secretsmanager.getSecretOutput', name: args.name, args: resolved(args) });
    return { arn: new FakeOutput(arn('secretsmanager', `secret:${args.name}-AbCdEf`)) };
  };

  const $interpolate = (literals: TemplateStringsArray, ...placeholders: unknown[]) =>
    new FakeOutput(
      literals.reduce((text, literal, index) => text + resolved(placeholders[index - 1]) + literal),
    );

  const previous = Object.fromEntries(globalNames.map((name) => [name, Reflect.get(globalThis, name)]));
  Object.assign(globalThis, {
    $config: <T>(config: T) => config,
    $app: app,
    $interpolate,
    sst: { aws: { Bucket, SnsTopic, Queue, Function: FakeFunction, CronV2 } },
    aws: { secretsmanager: { getSecretOutput } },
  });

  return {
    records,
    of: (type) => records.filter((entry) => entry.type === type),
    one(type, name) {
      const found = records.find((entry) => entry.type === type && entry.name === name);
      if (!found) throw new Error(`no ${type} named ${name} was recorded`);
      return found;
    },
    restore() {
      for (const name of globalNames) Reflect.set(globalThis, name, previous[name]);
    },
  };
}
