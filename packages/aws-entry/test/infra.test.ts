import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  dependenciesOf,
  filterPolicyOf,
  findModel,
  platformTopology,
  ServiceName,
  scopedName,
  TopicName,
  type Topology,
} from '@totes/model';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InfraError } from '../../../infra/errors';
import { deploy } from '../../../infra/index';
import { serviceSettings } from '../../../infra/services';
import { stagePlan } from '../../../infra/stage';
import runtimePackage from '../../runtime/package.json' with { type: 'json' };
import { loadLambdaConfig } from '../src/config';
import { LambdaVariable, topicVariable } from '../src/contract';
import {
  fakeAccount,
  fakeRegion,
  installConfigGlobal,
  installSstFakes,
  type Recorded,
  resolved,
  type SstFakes,
} from './sst-fakes';

installConfigGlobal();
const { default: sstConfig } = await import('../../../sst.config');

const root = fileURLToPath(new URL('../../../', import.meta.url));
const sourceLocation = 'postgres://totesys.internal:5432/totesys';
const topology = platformTopology();

/** Runs the stage's `run()` against recording stand-ins, as `sst deploy --stage <stage>` would. */
async function deployStage(stage: string, options: { topology?: Topology } = {}) {
  const app = sstConfig.app({ stage });
  const fakes = installSstFakes({
    name: app.name,
    stage,
    removal: app.removal ?? 'remove',
    protect: app.protect ?? false,
  });
  try {
    const outputs = options.topology
      ? deploy({ stage, env: process.env, topology: options.topology })
      : await sstConfig.run();
    return { app, fakes, outputs: resolved<Record<string, unknown>>(outputs) };
  } finally {
    fakes.restore();
  }
}

const arnOf = {
  sqs: (stage: string, name: string) => `arn:aws:sqs:${fakeRegion}:${fakeAccount}:${scopedName(stage, name)}`,
  sns: (stage: string, topic: string) =>
    `arn:aws:sns:${fakeRegion}:${fakeAccount}:${scopedName(stage, topic)}`,
  secret: (name: string) => `arn:aws:secretsmanager:${fakeRegion}:${fakeAccount}:secret:${name}-AbCdEf`,
  bucket: (stage: string, zone: string) => `arn:aws:s3:::${scopedName(stage, zone)}-20240101abcdef`,
};

const lastSegment = (arn: string) => arn.split(':').at(-1)!;

interface QueueGraph {
  name: string;
  topic: string;
  consumer: string;
  filterPolicy?: unknown;
  deadLetterQueue: string;
  maxReceiveCount: number;
}

/** The topology as the recorded resources build it: what AWS would hold. */
function recordedGraph(fakes: SstFakes, stage: string): { topics: string[]; queues: QueueGraph[] } {
  const unscoped = (name: string) => {
    expect(name.startsWith(scopedName(stage, ''))).toBe(true);
    return name.slice(scopedName(stage, '').length);
  };
  const functionsByArn = new Map(
    fakes
      .of('sst.aws.Function')
      .map((fn) => [`arn:aws:lambda:${fakeRegion}:${fakeAccount}:function:${fn.args.name}`, fn]),
  );
  const queues = fakes
    .of('sst.aws.Queue')
    .filter((queue) => queue.args.dlq !== undefined)
    .map((queue) => {
      const queueArn = `arn:aws:sqs:${fakeRegion}:${fakeAccount}:${physicalName(queue)}`;
      const subscriptions = fakes
        .of('sst.aws.SnsTopic.subscribeQueue')
        .filter((entry) => entry.args.queue === queueArn);
      const consumers = fakes.of('sst.aws.Queue.subscribe').filter((entry) => entry.args.queue === queueArn);
      expect(subscriptions).toHaveLength(1);
      expect(consumers).toHaveLength(1);
      const subscription = subscriptions[0]!;
      const consumer = functionsByArn.get(consumers[0]!.args.subscriber as string);
      const dlq = queue.args.dlq as { queue: string; retry: number };
      return {
        name: unscoped(physicalName(queue)),
        topic: unscoped(lastSegment(subscription.args.topic as string)),
        consumer: unscoped(String(consumer?.args.name)),
        ...(subscription.args.filter ? { filterPolicy: subscription.args.filter } : {}),
        deadLetterQueue: unscoped(lastSegment(dlq.queue)),
        maxReceiveCount: dlq.retry,
      };
    });
  const topics = fakes
    .of('sst.aws.SnsTopic')
    .map((topic) => unscoped(String((topic.args.transform as { topic: { name: string } }).topic.name)));
  return { topics, queues };
}

function expectedGraph(from: Topology): { topics: string[]; queues: QueueGraph[] } {
  return {
    topics: [...from.topics],
    queues: from.queues.map((spec) => ({
      name: spec.name,
      topic: spec.topic,
      consumer: spec.consumer,
      ...(spec.filterPolicy ? { filterPolicy: spec.filterPolicy } : {}),
      deadLetterQueue: spec.deadLetterQueue,
      maxReceiveCount: spec.maxReceiveCount,
    })),
  };
}

function physicalName(queue: Recorded): string {
  return String((queue.args.transform as { queue: { name: string } }).queue.name);
}

function functionOf(fakes: SstFakes, service: ServiceName): Recorded {
  const found = fakes.of('sst.aws.Function').find((fn) => fn.args.name === scopedName('pr-42', service));
  if (!found) throw new Error(`no function for ${service}`);
  return found;
}

/** A function's permissions as `action resource [condition]` lines, one per action and resource. */
function grantsOf(fn: Recorded): string[] {
  const permissions = fn.args.permissions as {
    effect?: string;
    actions: string[];
    resources: string[];
    conditions?: { test: string; variable: string; values: string[] }[];
  }[];
  return permissions
    .flatMap((permission) => {
      expect(permission.effect ?? 'allow').toBe('allow');
      const condition = (permission.conditions ?? [])
        .map((entry) => ` if ${entry.test} ${entry.variable} ${entry.values.join(',')}`)
        .join('');
      return permission.actions.flatMap((action) =>
        permission.resources.map((resource) => `${action} ${resource}${condition}`),
      );
    })
    .sort();
}

const consumeActions = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
];

/** The grants of a function that consumes `queues`: feed, look up, dead-letter (and defer onto its own queues). */
function consumerGrants(
  stage: string,
  queues: readonly string[],
  options: { defers?: boolean } = {},
): string[] {
  return queues.flatMap((name) => {
    const queue = arnOf.sqs(stage, name);
    const deadLetter = arnOf.sqs(stage, `${name}-dlq`);
    return [
      ...consumeActions.map((action) => `${action} ${queue}`),
      `sqs:GetQueueUrl ${queue}`,
      `sqs:GetQueueUrl ${deadLetter}`,
      `sqs:SendMessage ${deadLetter}`,
      ...(options.defers ? [`sqs:SendMessage ${queue}`] : []),
    ];
  });
}

const queuesOf = (service: ServiceName) =>
  topology.queues.filter((queue) => queue.consumer === service).map((queue) => queue.name);

beforeEach(() => {
  vi.stubEnv('TOTES_SOURCE_LOCATION', sourceLocation);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the bus', () => {
  it('declares one topic per event of the topology, named totes-<stage>-<event>', async () => {
    const { fakes } = await deployStage('pr-42');

    const names = fakes
      .of('sst.aws.SnsTopic')
      .map((topic) => resolved<{ topic: { name: string } }>(topic.args.transform).topic.name);

    expect(names).toEqual(Object.values(TopicName).map((topic) => scopedName('pr-42', topic)));
  });

  it('gives every queue a dead-letter queue and a redrive after the topology’s maxReceiveCount', async () => {
    const { fakes } = await deployStage('pr-42');
    const queues = fakes.of('sst.aws.Queue');
    const withRedrive = queues.filter((queue) => queue.args.dlq !== undefined);
    const deadLetters = queues.filter((queue) => queue.args.dlq === undefined);

    expect(withRedrive.map(physicalName)).toEqual(
      topology.queues.map((spec) => scopedName('pr-42', spec.name)),
    );
    for (const spec of topology.queues) {
      const queue = withRedrive.find((entry) => physicalName(entry) === scopedName('pr-42', spec.name))!;
      expect(queue.args.dlq).toEqual({
        queue: arnOf.sqs('pr-42', spec.deadLetterQueue),
        retry: spec.maxReceiveCount,
      });
    }
    // Each dead-letter queue serves exactly one queue, and keeps what it holds for 14 days.
    expect(deadLetters.map(physicalName).sort()).toEqual(
      topology.queues.map((spec) => scopedName('pr-42', spec.deadLetterQueue)).sort(),
    );
    for (const deadLetter of deadLetters) {
      expect(deadLetter.args.transform).toMatchObject({ queue: { messageRetentionSeconds: 1_209_600 } });
    }
  });

  it('filters each model’s queue on exactly the tables that model declares it depends on', async () => {
    const { fakes } = await deployStage('pr-42');
    const modelQueues = topology.queues.filter((spec) => spec.model !== undefined);

    expect(modelQueues).toHaveLength(11);
    for (const spec of modelQueues) {
      const model = findModel(spec.model!)!;
      const subscription = fakes
        .of('sst.aws.SnsTopic.subscribeQueue')
        .find((entry) => entry.args.queue === arnOf.sqs('pr-42', spec.name))!;

      expect(subscription.args.topic).toBe(arnOf.sns('pr-42', TopicName.extracted));
      expect(subscription.args.filter).toEqual(filterPolicyOf(model));
      expect([...(subscription.args.filter as { table: string[] }).table].sort()).toEqual(
        [...dependenciesOf(model)].sort(),
      );
    }
  });

  it('delivers raw messages to every queue, as the local stack does, and filters only the model queues', async () => {
    const { fakes } = await deployStage('pr-42');
    const subscriptions = fakes.of('sst.aws.SnsTopic.subscribeQueue');

    expect(subscriptions).toHaveLength(topology.queues.length);
    for (const subscription of subscriptions) {
      expect(subscription.args.transform).toEqual({ subscription: { rawMessageDelivery: true } });
    }
    const unfiltered = subscriptions
      .filter((entry) => entry.args.filter === undefined)
      .map((entry) => entry.args.queue);
    expect(unfiltered.sort()).toEqual(
      [arnOf.sqs('pr-42', 'table-extractor'), arnOf.sqs('pr-42', 'warehouse-loader')].sort(),
    );
  });

  it('builds exactly the local topology: topics, queues, subscriptions, filters, consumers and redrives', async () => {
    const { fakes } = await deployStage('pr-42');

    expect(recordedGraph(fakes, 'pr-42')).toEqual(expectedGraph(topology));
  });

  it('fails on drift: a stack built from another topology is told apart from the platform’s', async () => {
    const drifted: Topology = {
      topics: topology.topics,
      queues: topology.queues.map((spec) =>
        spec.name === 'build-dim-staff' ? { ...spec, filterPolicy: { table: ['staff'] } } : spec,
      ),
    };
    const { fakes } = await deployStage('pr-42', { topology: drifted });

    expect(recordedGraph(fakes, 'pr-42')).not.toEqual(expectedGraph(topology));
    expect(recordedGraph(fakes, 'pr-42')).toEqual(expectedGraph(drifted));
  });
});

describe('the functions', () => {
  it('runs the five services on Node.js 22 on arm64, each from its own lambda.ts handler', async () => {
    const { fakes } = await deployStage('pr-42');
    const functions = fakes.of('sst.aws.Function');

    expect(functions.map((fn) => fn.args.name).sort()).toEqual(
      Object.values(ServiceName)
        .map((service) => scopedName('pr-42', service))
        .sort(),
    );
    for (const service of Object.values(ServiceName)) {
      const fn = functionOf(fakes, service);
      expect(fn.args).toMatchObject({
        runtime: 'nodejs22.x',
        architecture: 'arm64',
        handler: `packages/${service}/src/lambda.handler`,
        link: [],
        nodejs: {
          install: { 'parquet-wasm': runtimePackage.dependencies['parquet-wasm'] },
          esbuild: { external: ['pg-native'] },
        },
      });
      expect(existsSync(`${root}packages/${service}/src/lambda.ts`)).toBe(true);
      const entry = (await import(`${root}packages/${service}/src/lambda.ts`)) as { handler?: unknown };
      expect(typeof entry.handler).toBe('function');
    }
  });

  it('subscribes each function to exactly the queues it consumes, with partial batch responses', async () => {
    const { fakes } = await deployStage('pr-42');

    for (const service of Object.values(ServiceName)) {
      const fnArn = `arn:aws:lambda:${fakeRegion}:${fakeAccount}:function:${scopedName('pr-42', service)}`;
      const subscriptions = fakes
        .of('sst.aws.Queue.subscribe')
        .filter((entry) => entry.args.subscriber === fnArn);

      expect(subscriptions.map((entry) => entry.args.queue).sort()).toEqual(
        queuesOf(service)
          .map((name) => arnOf.sqs('pr-42', name))
          .sort(),
      );
      for (const subscription of subscriptions) {
        expect(subscription.args.batch).toMatchObject({ partialResponses: true });
      }
    }
  });

  it('gives every queue a visibility timeout of at least six times its consumer’s timeout', async () => {
    const { fakes } = await deployStage('pr-42');
    const seconds = (duration: unknown) => Number(/^(\d+) seconds?$/.exec(String(duration))?.[1]);

    for (const spec of topology.queues) {
      const queue = fakes
        .of('sst.aws.Queue')
        .find((entry) => physicalName(entry) === scopedName('pr-42', spec.name))!;
      const consumer = functionOf(fakes, spec.consumer);

      expect(seconds(queue.args.visibilityTimeout)).toBeGreaterThanOrEqual(
        6 * seconds(consumer.args.timeout),
      );
    }
  });

  it('runs the change-detector on an EventBridge schedule every minute, not retried', async () => {
    const { fakes } = await deployStage('pr-42');
    const schedules = fakes.of('sst.aws.CronV2');

    expect(schedules).toHaveLength(1);
    expect(schedules[0]!.args).toEqual({
      function: `arn:aws:lambda:${fakeRegion}:${fakeAccount}:function:${scopedName('pr-42', ServiceName.changeDetector)}`,
      schedule: 'rate(1 minute)',
      retries: 0,
      transform: { schedule: { name: scopedName('pr-42', 'detect') } },
    });
  });
});

describe('least privilege', () => {
  const source = arnOf.secret('totes-dev-source');
  const warehouse = arnOf.secret('totes-dev-warehouse');
  const raw = arnOf.bucket('pr-42', 'raw');
  const processed = arnOf.bucket('pr-42', 'processed');
  const listing = (bucket: string, zone: string) =>
    `s3:ListBucket ${bucket} if StringLike s3:prefix pr-42/${zone}/*`;

  const expected: Record<ServiceName, string[]> = {
    [ServiceName.changeDetector]: [
      `secretsmanager:GetSecretValue ${source}`,
      `secretsmanager:GetSecretValue ${warehouse}`,
      `sns:Publish ${arnOf.sns('pr-42', 'changes')}`,
      `sns:Publish ${arnOf.sns('pr-42', 'load-complete')}`,
    ],
    [ServiceName.tableExtractor]: [
      ...consumerGrants('pr-42', ['table-extractor']),
      `secretsmanager:GetSecretValue ${source}`,
      `secretsmanager:GetSecretValue ${warehouse}`,
      `sns:Publish ${arnOf.sns('pr-42', 'extracted')}`,
      `sns:Publish ${arnOf.sns('pr-42', 'load-complete')}`,
      `s3:GetObject ${raw}/pr-42/raw/*`,
      `s3:PutObject ${raw}/pr-42/raw/*`,
      listing(raw, 'raw'),
    ],
    [ServiceName.dimensionBuilder]: [
      ...consumerGrants('pr-42', queuesOf(ServiceName.dimensionBuilder)),
      `sns:Publish ${arnOf.sns('pr-42', 'built')}`,
      `s3:GetObject ${raw}/pr-42/raw/*`,
      listing(raw, 'raw'),
      `s3:PutObject ${processed}/pr-42/processed/*`,
      listing(processed, 'processed'),
    ],
    [ServiceName.factBuilder]: [
      ...consumerGrants('pr-42', queuesOf(ServiceName.factBuilder)),
      `sns:Publish ${arnOf.sns('pr-42', 'built')}`,
      `s3:GetObject ${raw}/pr-42/raw/*`,
      `s3:PutObject ${processed}/pr-42/processed/*`,
      listing(processed, 'processed'),
    ],
    [ServiceName.warehouseLoader]: [
      ...consumerGrants('pr-42', ['warehouse-loader'], { defers: true }),
      `secretsmanager:GetSecretValue ${warehouse}`,
      `sns:Publish ${arnOf.sns('pr-42', 'load-complete')}`,
      `s3:GetObject ${processed}/pr-42/processed/*`,
    ],
  };

  it.each(Object.values(ServiceName))(
    'grants %s exactly what it touches, and links nothing',
    async (service) => {
      const { fakes } = await deployStage('pr-42');
      const fn = functionOf(fakes, service);

      expect(grantsOf(fn)).toEqual([...expected[service]].sort());
      expect(fn.args.link).toEqual([]);
    },
  );

  it('gives the dimension-builder and the fact-builder no secret: they never touch a database', async () => {
    const { fakes } = await deployStage('pr-42');

    for (const service of [ServiceName.dimensionBuilder, ServiceName.factBuilder]) {
      const fn = functionOf(fakes, service);
      expect(grantsOf(fn).some((grant) => grant.startsWith('secretsmanager:'))).toBe(false);
      expect(Object.keys(fn.args.environment as object)).not.toContain(LambdaVariable.sourceSecretArn);
      expect(Object.keys(fn.args.environment as object)).not.toContain(LambdaVariable.warehouseSecretArn);
    }
  });

  it('makes every function that opens a database trust Amazon’s CA certificates, and only those', async () => {
    const { fakes } = await deployStage('pr-42');

    for (const service of Object.values(ServiceName)) {
      const env = functionOf(fakes, service).args.environment as Record<string, string>;
      const opensDatabase = env[LambdaVariable.sourceSecretArn] ?? env[LambdaVariable.warehouseSecretArn];
      expect(env.NODE_EXTRA_CA_CERTS, service).toBe(opensDatabase ? '/var/runtime/ca-cert.pem' : undefined);
    }
  });

  it('runs every function with the heap limits the bench measures its memory under', async () => {
    const { fakes } = await deployStage('pr-42');

    for (const service of Object.values(ServiceName)) {
      const env = functionOf(fakes, service).args.environment as Record<string, string>;
      expect(env.NODE_OPTIONS, service).toBe('--max-old-space-size=128 --max-semi-space-size=4');
    }
  });

  it('puts names, URLs and secret ARNs in env, never a credential', async () => {
    const { fakes } = await deployStage('pr-42');

    for (const fn of fakes.of('sst.aws.Function')) {
      for (const value of Object.values(fn.args.environment as Record<string, string>)) {
        expect(value).not.toMatch(/:\/\/[^/\s]*@/);
        expect(value.toLowerCase()).not.toContain('password');
      }
    }
  });

  it('gives each function the env its Lambda entry reads, with exactly the topics it may publish to', async () => {
    const { fakes } = await deployStage('pr-42');
    const publishes: Record<ServiceName, string[]> = {
      [ServiceName.changeDetector]: ['changes', 'load-complete'],
      [ServiceName.tableExtractor]: ['extracted', 'load-complete'],
      [ServiceName.dimensionBuilder]: ['built'],
      [ServiceName.factBuilder]: ['built'],
      [ServiceName.warehouseLoader]: ['load-complete'],
    };

    for (const service of Object.values(ServiceName)) {
      const env = functionOf(fakes, service).args.environment as Record<string, string>;
      const config = loadLambdaConfig(env);

      expect(config).toMatchObject({
        stage: 'pr-42',
        warehouseSchema: 'totes_pr_42',
        stateSchema: 'totes_pr_42_state',
      });
      expect(Object.keys(config.topics).sort()).toEqual([...publishes[service]].sort());
      for (const topic of publishes[service]) {
        expect(env[topicVariable(topic as TopicName)]).toBe(arnOf.sns('pr-42', topic));
      }
    }
    const loader = loadLambdaConfig(
      functionOf(fakes, ServiceName.warehouseLoader).args.environment as Record<string, string>,
    );
    expect(loader).toMatchObject({
      processedLakeUrl: `s3://${scopedName('pr-42', 'processed')}-20240101abcdef/pr-42`,
      warehouseSecretArn: arnOf.secret('totes-dev-warehouse'),
      sourceLocation,
    });
    expect(loader.loadParallelism).toBe(serviceSettings[ServiceName.warehouseLoader].loadParallelism);
    const extractor = functionOf(fakes, ServiceName.tableExtractor).args.environment as Record<
      string,
      string
    >;
    expect(extractor[LambdaVariable.loadParallelism]).toBeUndefined();
    expect(loader.rawLakeUrl).toBeUndefined();
    expect(loader.sourceSecretArn).toBeUndefined();
    const detector = loadLambdaConfig(
      functionOf(fakes, ServiceName.changeDetector).args.environment as Record<string, string>,
    );
    expect(detector.sourceLocation, 'the detector names the source in its run.started').toBe(sourceLocation);
  });
});

describe('stages', () => {
  it('scopes every name it sets to the app and the stage', async () => {
    const { app, fakes } = await deployStage('alice');
    const prefix = `${app.name}-alice-`;
    const names = [
      ...fakes
        .of('sst.aws.SnsTopic')
        .map((entry) => (entry.args.transform as { topic: { name: string } }).topic.name),
      ...fakes.of('sst.aws.Queue').map(physicalName),
      ...fakes.of('sst.aws.Function').map((entry) => String(entry.args.name)),
      ...fakes
        .of('sst.aws.Bucket')
        .map((entry) => (entry.args.transform as { bucket: { bucketPrefix: string } }).bucket.bucketPrefix),
      ...fakes
        .of('sst.aws.CronV2')
        .map((entry) => (entry.args.transform as { schedule: { name: string } }).schedule.name),
    ];

    expect(app.name).toBe('totes');
    expect(names).toHaveLength(4 + 2 * topology.queues.length + 5 + 2 + 1);
    for (const name of names) expect(name.startsWith(prefix)).toBe(true);
    expect(JSON.stringify(fakes.records)).not.toContain('UNNAMED');
  });

  it('retains production’s data and protects it; every other stage removes everything', async () => {
    for (const stage of ['production', 'staging', 'pr-42', 'alice']) {
      const { app, fakes } = await deployStage(stage);
      const buckets = fakes.of('sst.aws.Bucket');
      const production = stage === 'production';

      expect(app.removal).toBe(production ? 'retain' : 'remove');
      expect(app.protect).toBe(production);
      expect(stagePlan(stage).retainData).toBe(production);
      expect(buckets).toHaveLength(2);
      for (const bucket of buckets) {
        expect(bucket.args).toMatchObject({
          versioning: production,
          transform: { bucket: { forceDestroy: !production } },
        });
      }
    }
  });

  it('gives each stage its own buckets, lake prefix and warehouse schemas, so no stage writes another’s data', async () => {
    const stages = ['production', 'staging', 'pr-42', 'pr-43', 'alice'];
    const layouts: Record<string, unknown>[] = [];
    for (const stage of stages) layouts.push((await deployStage(stage)).outputs);

    for (const key of ['rawBucket', 'processedBucket', 'lakePrefix', 'warehouseSchema', 'stateSchema']) {
      expect(new Set(layouts.map((layout) => layout[key])).size).toBe(stages.length);
    }
    const schemas = layouts.flatMap((layout) => [layout.warehouseSchema, layout.stateSchema]);
    expect(new Set(schemas).size).toBe(2 * stages.length);
  });

  it('refuses a stage whose warehouse schema would be another stage’s state schema', () => {
    expect(stagePlan('pr-1').stateSchema).toBe('totes_pr_1_state');

    expect(() => stagePlan('pr-1-state')).toThrow(/may not end in "-state".*stage "pr-1"/);
  });

  it('points production and staging at their own secrets, and previews and personal stages at the shared dev ones', async () => {
    const secretsOf = async (stage: string) => {
      const { fakes } = await deployStage(stage);
      return fakes.of('aws.secretsmanager.getSecretOutput').map((entry) => entry.name);
    };

    expect(await secretsOf('production')).toEqual(['totes-production-source', 'totes-production-warehouse']);
    expect(await secretsOf('staging')).toEqual(['totes-staging-source', 'totes-staging-warehouse']);
    expect(await secretsOf('pr-42')).toEqual(['totes-dev-source', 'totes-dev-warehouse']);
    expect(await secretsOf('alice')).toEqual(['totes-dev-source', 'totes-dev-warehouse']);
  });

  it('refuses a stage name the platform cannot use, before declaring anything', async () => {
    await expect(deployStage('Alice.Smith')).rejects.toBeInstanceOf(InfraError);
    await expect(deployStage('a-stage-name-long-enough-to-overflow')).rejects.toThrow(/stage/);
  });

  it('refuses to deploy without the source location, or with credentials in it', async () => {
    vi.stubEnv('TOTES_SOURCE_LOCATION', '');
    await expect(deployStage('pr-42')).rejects.toThrow(/TOTES_SOURCE_LOCATION is not set/);

    vi.stubEnv('TOTES_SOURCE_LOCATION', 'postgres://reader:secret@totesys.internal:5432/totesys');
    await expect(deployStage('pr-42')).rejects.toThrow(/without credentials/);
  });
});
