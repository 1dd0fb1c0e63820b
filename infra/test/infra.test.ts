import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  dependenciesOf,
  filterPolicyOf,
  findModel,
  platformTopology,
  ServiceName,
  scopedName,
  sourceTableNames,
  TopicName,
} from '@totes/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaVariable, topicVariable } from '../../packages/aws-entry/src/contract';
import runtimePackage from '../../packages/runtime/package.json' with { type: 'json' };
import { mockAccount, mockRegion, type RecordedResource } from './mock-aws';
import { type MockedStage, mockedStage } from './mocked-stage';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sourceLocation = 'postgres://totesys.internal:5432/totesys';
const topology = platformTopology();
const alertEmails = ['ops@totes.example', 'data@totes.example'];
/** The other teams who drop files into the inbox-only stage's inbox. */
const inboxWriters = ['arn:aws:iam::111122223333:role/sales-exports', 'arn:aws:iam::444455556666:root'];

/** One mocked `sst deploy` per kind of stage, shared by every test below. */
const stages: Record<string, MockedStage> = {};

beforeAll(async () => {
  const env = { TOTES_SOURCE_LOCATION: sourceLocation };
  // Two at a time: each is a process of its own on a two-core machine.
  [stages['pr-42'], stages.production] = await Promise.all([
    mockedStage('pr-42', { ...env, TOTES_ALERT_EMAILS: alertEmails.join(', ') }),
    mockedStage('production', env),
  ]);
  [stages.staging, stages.alice] = await Promise.all([
    mockedStage('staging', { ...env, TOTES_DETECT_MODE: 'continuous', TOTES_DETECT_INTERVAL_MS: '500' }),
    mockedStage('alice', {
      ...env,
      TOTES_FRESHNESS_SLA_S: '600',
      TOTES_EXTRACTOR_TMP_MB: '2048',
      TOTES_INBOX_POLICY: 'sales_order=skip:1%',
    }),
  ]);
  // An inbox-only stage, as TOTES_SOURCE_URL=none runs locally, with other teams writing to its inbox.
  stages.files = await mockedStage('files', {
    TOTES_SOURCE_LOCATION: 'none',
    TOTES_INBOX_WRITERS: inboxWriters.join(','),
  });
}, 600_000);

const stage = (name: string): MockedStage => stages[name]!;
const of = (name: string, type: string): RecordedResource[] =>
  stage(name).resources.filter((resource) => resource.type === type);
const Type = {
  queue: 'aws:sqs/queue:Queue',
  queuePolicy: 'aws:sqs/queuePolicy:QueuePolicy',
  topic: 'aws:sns/topic:Topic',
  subscription: 'aws:sns/topicSubscription:TopicSubscription',
  function: 'aws:lambda/function:Function',
  build: 'rpc:Runtime.Build',
  role: 'aws:iam/role:Role',
  mapping: 'aws:lambda/eventSourceMapping:EventSourceMapping',
  schedule: 'aws:scheduler/schedule:Schedule',
  bucket: 'aws:s3/bucket:Bucket',
  alarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  dashboard: 'aws:cloudwatch/dashboard:Dashboard',
  bucketPolicy: 'aws:s3/bucketPolicy:BucketPolicy',
} as const;

const arnOf = {
  sqs: (stageName: string, name: string) =>
    `arn:aws:sqs:${mockRegion}:${mockAccount}:${scopedName(stageName, name)}`,
  sns: (stageName: string, name: string) =>
    `arn:aws:sns:${mockRegion}:${mockAccount}:${scopedName(stageName, name)}`,
  lambda: (stageName: string, service: string) =>
    `arn:aws:lambda:${mockRegion}:${mockAccount}:function:${scopedName(stageName, service)}`,
  secret: (name: string) => `arn:aws:secretsmanager:${mockRegion}:${mockAccount}:secret:${name}-AbCdEf`,
  bucket: (stageName: string, zone: string) => `arn:aws:s3:::${scopedName(stageName, zone)}-${mockAccount}`,
};

function named(stageName: string, type: string, name: string): RecordedResource {
  const found = of(stageName, type).filter((resource) => resource.inputs.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0]!;
}

const functionOf = (stageName: string, service: ServiceName) =>
  named(stageName, Type.function, scopedName(stageName, service));
const envOf = (stageName: string, service: ServiceName) =>
  functionOf(stageName, service).inputs.environment.variables as Record<string, string>;
/** Every queue of a stage: those of the topics, and the inbox's event notifications. */
const allQueues = [...topology.queues, topology.inboxEvents];
const queuesOf = (service: ServiceName) =>
  allQueues.filter((queue) => queue.consumer === service).map((queue) => queue.name);
const inboxBucketArn = (stageName: string) => arnOf.bucket(stageName, 'inbox');

describe('the bus', () => {
  it('declares one topic per event of the topology, named totes-<stage>-<event>, and the alerts topic', () => {
    const names = of('pr-42', Type.topic).map((topic) => topic.inputs.name);

    expect(names.sort()).toEqual(
      [...Object.values(TopicName), 'alerts'].map((topic) => scopedName('pr-42', topic)).sort(),
    );
  });

  it('gives every queue a dead-letter queue, a redrive after the topology’s maxReceiveCount, and 14 days there', () => {
    for (const spec of allQueues) {
      const queue = named('pr-42', Type.queue, scopedName('pr-42', spec.name));
      const deadLetter = named('pr-42', Type.queue, scopedName('pr-42', spec.deadLetterQueue));

      expect(JSON.parse(queue.inputs.redrivePolicy)).toEqual({
        deadLetterTargetArn: arnOf.sqs('pr-42', spec.deadLetterQueue),
        maxReceiveCount: spec.maxReceiveCount,
      });
      expect(deadLetter.inputs.redrivePolicy).toBeUndefined();
      expect(deadLetter.inputs.messageRetentionSeconds).toBe(1_209_600);
    }
    expect(of('pr-42', Type.queue)).toHaveLength(2 * allQueues.length);
  });

  it('subscribes each queue to its topic with raw delivery, and filters a model’s queue on the `table` attribute', () => {
    const subscriptions = of('pr-42', Type.subscription).filter((entry) => entry.inputs.protocol === 'sqs');

    expect(subscriptions).toHaveLength(topology.queues.length);
    for (const spec of topology.queues) {
      const [subscription] = subscriptions.filter(
        (entry) => entry.inputs.endpoint === arnOf.sqs('pr-42', spec.name),
      );
      expect(subscription?.inputs).toMatchObject({
        topic: arnOf.sns('pr-42', spec.topic),
        rawMessageDelivery: true,
      });
      // SST's form: a JSON string, no filter scope, so it filters on message attributes.
      expect(subscription?.inputs.filterPolicyScope).toBeUndefined();
      if (spec.model === undefined) {
        expect(subscription?.inputs.filterPolicy, spec.name).toBeUndefined();
        continue;
      }
      const model = findModel(spec.model)!;
      const policy = JSON.parse(subscription?.inputs.filterPolicy) as { table: string[] };
      expect(policy).toEqual(filterPolicyOf(model));
      expect(Object.keys(policy)).toEqual(['table']);
      expect([...policy.table].sort()).toEqual([...dependenciesOf(model)].sort());
    }
  });

  it('lets only SNS send to a queue, and only from the topic it is subscribed to', () => {
    const policies = of('pr-42', Type.queuePolicy);

    expect(policies).toHaveLength(allQueues.length);
    for (const spec of topology.queues) {
      const [policy] = policies.filter((entry) =>
        String(entry.inputs.queueUrl).endsWith(`/${scopedName('pr-42', spec.name)}`),
      );
      expect(JSON.parse(policy?.inputs.policy).Statement).toEqual([
        {
          Sid: 'TheSubscribedTopicSends',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arnOf.sqs('pr-42', spec.name),
          Condition: { ArnEquals: { 'aws:SourceArn': arnOf.sns('pr-42', spec.topic) } },
        },
      ]);
    }
  });
});

describe('the inbox', () => {
  const events = topology.inboxEvents;

  it('is a bucket of its own per stage, its files under inbox/, named in every stage’s outputs', () => {
    for (const stageName of Object.keys(stages)) {
      expect(stage(stageName).outputs.inboxUrl).toBe(
        `s3://${scopedName(stageName, 'inbox')}-${mockAccount}/inbox`,
      );
    }
  });

  it('notifies the inbox events queue of every object created under inbox/, and of nothing else', () => {
    const notifications = of('pr-42', 'aws:s3/bucketNotification:BucketNotification');

    expect(notifications).toHaveLength(1);
    expect(notifications[0]!.inputs.bucket).toBe(`${scopedName('pr-42', 'inbox')}-${mockAccount}`);
    expect(notifications[0]!.inputs.queues).toEqual([
      expect.objectContaining({
        queueArn: arnOf.sqs('pr-42', events.name),
        events: ['s3:ObjectCreated:*'],
        filterPrefix: 'inbox/',
      }),
    ]);
    expect(notifications[0]!.inputs.topics ?? []).toEqual([]);
    expect(notifications[0]!.inputs.lambdaFunctions ?? []).toEqual([]);
  });

  it('lets only S3 send to the inbox events queue, and only from this account’s inbox bucket', () => {
    const [policy] = of('pr-42', Type.queuePolicy).filter((entry) =>
      String(entry.inputs.queueUrl).endsWith(`/${scopedName('pr-42', events.name)}`),
    );

    expect(JSON.parse(policy?.inputs.policy).Statement).toEqual([
      {
        Sid: 'TheInboxBucketNotifies',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: arnOf.sqs('pr-42', events.name),
        Condition: {
          ArnEquals: { 'aws:SourceArn': inboxBucketArn('pr-42') },
          StringEquals: { 'aws:SourceAccount': mockAccount },
        },
      },
    ]);
  });

  it('tells the detector and the extractor where the inbox is, and no other function', () => {
    for (const service of Object.values(ServiceName)) {
      const told = service === ServiceName.changeDetector || service === ServiceName.tableExtractor;
      expect(envOf('pr-42', service)[LambdaVariable.inboxUrl], service).toBe(
        told ? `s3://${scopedName('pr-42', 'inbox')}-${mockAccount}/inbox` : undefined,
      );
    }
  });

  it('gives the stage’s TOTES_INBOX_POLICY to the extractor, which reads the files, and to no other function', () => {
    for (const service of Object.values(ServiceName)) {
      const told = service === ServiceName.tableExtractor;
      expect(envOf('alice', service)[LambdaVariable.inboxPolicies], service).toBe(
        told ? 'sales_order=skip:1%' : undefined,
      );
      expect(envOf('pr-42', service)[LambdaVariable.inboxPolicies], service).toBeUndefined();
    }
  });

  it('gives the extractor the /tmp that TOTES_EXTRACTOR_TMP_MB sets, 4096 MB unless told, for Parquet files', () => {
    expect(functionOf('pr-42', ServiceName.tableExtractor).inputs.ephemeralStorage).toEqual({ size: 4096 });
    expect(functionOf('alice', ServiceName.tableExtractor).inputs.ephemeralStorage).toEqual({ size: 2048 });
  });
});

describe('an inbox-only stage', () => {
  const lineage: readonly ServiceName[] = [
    ServiceName.changeDetector,
    ServiceName.tableExtractor,
    ServiceName.warehouseLoader,
  ];

  it('tells the functions that name the source in lineage that there is none, and gives none a source secret', () => {
    for (const service of Object.values(ServiceName)) {
      const env = envOf('files', service);

      expect(env[LambdaVariable.sourceLocation], service).toBe(
        lineage.includes(service) ? 'none' : undefined,
      );
      expect(env[LambdaVariable.sourceSecretArn], service).toBeUndefined();
    }
    expect(envOf('files', ServiceName.tableExtractor)[LambdaVariable.warehouseSecretArn]).toBe(
      arnOf.secret('totes-dev-warehouse'),
    );
    expect(stage('files').outputs.inboxOnly).toBe(true);
    expect(stage('pr-42').outputs.inboxOnly).toBe(false);
  });

  it('gives the detector and the extractor the inbox, their only input', () => {
    for (const service of [ServiceName.changeDetector, ServiceName.tableExtractor]) {
      expect(envOf('files', service)[LambdaVariable.inboxUrl]).toBe(
        `s3://${scopedName('files', 'inbox')}-${mockAccount}/inbox`,
      );
    }
  });

  it('keeps each table’s freshness alarm, about its files: not loaded within the SLA, or detection stopped', () => {
    for (const table of sourceTableNames) {
      const alarm = named('files', Type.alarm, scopedName('files', `${table}-freshness`));

      expect(alarm.inputs).toMatchObject({
        metricName: 'SourceLagSeconds',
        dimensions: { stage: 'files', table },
        treatMissingData: 'breaching',
      });
      expect(alarm.inputs.alarmDescription).toBe(
        `A file of ${table} is not in the warehouse TOTES_FRESHNESS_SLA_S=1800 s after it was found in files's inbox, or detection stopped`,
      );
    }
  });
});

describe('the inbox writers', () => {
  /** The statements of the bucket policy SST gives a bucket of a stage. */
  const statementsOf = (stageName: string, role: string) => {
    const bucket = `${scopedName(stageName, role)}-${mockAccount}`;
    const policies = of(stageName, Type.bucketPolicy).filter((entry) => entry.inputs.bucket === bucket);
    expect(policies, bucket).toHaveLength(1);
    // biome-ignore lint/suspicious/noExplicitAny: a policy document's statements, read by path.
    return JSON.parse(policies[0]!.inputs.policy).Statement as any[];
  };
  const httpsOnly = (bucketArn: string) => ({
    effect: 'Deny',
    principals: [{ type: '*', identifiers: ['*'] }],
    actions: ['s3:*'],
    resources: [bucketArn, `${bucketArn}/*`],
    conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  });

  it('lets the principals in TOTES_INBOX_WRITERS put objects under inbox/, and abort their uploads, nothing more', () => {
    expect(statementsOf('files', 'inbox')).toEqual([
      httpsOnly(inboxBucketArn('files')),
      {
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: inboxWriters }],
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [`${inboxBucketArn('files')}/inbox/*`],
      },
    ]);
  });

  it('grants them nothing in the lake, and grants no one anything where TOTES_INBOX_WRITERS is unset', () => {
    for (const zone of ['raw', 'processed']) {
      expect(statementsOf('files', zone)).toEqual([httpsOnly(arnOf.bucket('files', zone))]);
    }
    expect(statementsOf('pr-42', 'inbox')).toEqual([httpsOnly(inboxBucketArn('pr-42'))]);
  });
});

describe('the functions', () => {
  it('runs the five services on Node.js 22 on arm64, each built from its own lambda.ts handler', async () => {
    const builds = of('pr-42', Type.build);

    expect(
      of('pr-42', Type.function)
        .map((fn) => fn.inputs.name)
        .sort(),
    ).toEqual(
      Object.values(ServiceName)
        .map((service) => scopedName('pr-42', service))
        .sort(),
    );
    for (const service of Object.values(ServiceName)) {
      expect(functionOf('pr-42', service).inputs).toMatchObject({
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
      });
      const build = builds.filter(
        (entry) => entry.inputs.handler === `packages/${service}/src/lambda.handler`,
      );
      expect(build, service).toHaveLength(1);
      // Linking grants `*` on a resource: the functions get their permissions one by one instead.
      expect(build[0]!.inputs.links).toEqual({});
      expect(build[0]!.inputs.properties).toMatchObject({
        install: { 'parquet-wasm': runtimePackage.dependencies['parquet-wasm'] },
        esbuild: { external: ['pg-native'] },
      });
      expect(existsSync(`${root}packages/${service}/src/lambda.ts`)).toBe(true);
    }
  });

  it('feeds each function exactly the queues it consumes, in batches with partial responses and bounded concurrency', () => {
    for (const service of Object.values(ServiceName)) {
      const mappings = of('pr-42', Type.mapping).filter(
        (entry) => entry.inputs.functionName === arnOf.lambda('pr-42', service),
      );

      expect(mappings.map((entry) => entry.inputs.eventSourceArn).sort()).toEqual(
        queuesOf(service)
          .map((name) => arnOf.sqs('pr-42', name))
          .sort(),
      );
      for (const mapping of mappings) {
        expect(mapping.inputs.functionResponseTypes).toEqual(['ReportBatchItemFailures']);
        expect(mapping.inputs.scalingConfig.maximumConcurrency).toBeGreaterThanOrEqual(2);
        expect(mapping.inputs.batchSize).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('gives every queue a visibility timeout of at least six times its consumer’s timeout', () => {
    for (const spec of allQueues) {
      const queue = named('pr-42', Type.queue, scopedName('pr-42', spec.name));
      const consumer = functionOf('pr-42', spec.consumer);

      expect(queue.inputs.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * consumer.inputs.timeout);
    }
  });

  it('invokes the change-detector every minute from EventBridge Scheduler, not retried', () => {
    const schedules = of('pr-42', Type.schedule);

    expect(schedules).toHaveLength(1);
    expect(schedules[0]!.inputs).toMatchObject({
      name: scopedName('pr-42', 'detect'),
      scheduleExpression: 'rate(1 minute)',
      target: {
        arn: arnOf.lambda('pr-42', ServiceName.changeDetector),
        retryPolicy: { maximumRetryAttempts: 0 },
      },
    });
  });

  it('detects continuously in production, for longer than the minute, and once a minute elsewhere unless told', () => {
    const detector = (stageName: string) => ({
      timeout: functionOf(stageName, ServiceName.changeDetector).inputs.timeout,
      mode: envOf(stageName, ServiceName.changeDetector).TOTES_DETECT_MODE,
      intervalMs: envOf(stageName, ServiceName.changeDetector).TOTES_DETECT_INTERVAL_MS,
    });

    expect(detector('production')).toEqual({ timeout: 90, mode: 'continuous', intervalMs: '1000' });
    expect(detector('staging')).toEqual({ timeout: 90, mode: 'continuous', intervalMs: '500' });
    expect(detector('pr-42')).toEqual({ timeout: 60, mode: 'per-minute', intervalMs: '1000' });
    for (const service of Object.values(ServiceName).filter((name) => name !== ServiceName.changeDetector)) {
      expect(envOf('production', service).TOTES_DETECT_MODE).toBeUndefined();
    }
  });
});

describe('least privilege', () => {
  /** A function's inline policy as `action resource [condition]` lines. */
  function grantsOf(stageName: string, service: ServiceName): string[] {
    const roleArn = String(functionOf(stageName, service).inputs.role);
    const role = of(stageName, Type.role).filter((entry) => roleArn.endsWith(`/${entry.inputs.name}`));
    expect(role).toHaveLength(1);
    const inline = role[0]!.inputs.inlinePolicies as { policy: string }[];
    const statements = inline.flatMap(
      (policy) =>
        JSON.parse(policy.policy).Statement as {
          effect: string;
          actions: string[];
          resources: string[];
          conditions?: { test: string; variable: string; values: string[] }[];
        }[],
    );
    return statements
      .flatMap((statement) => {
        expect(statement.effect).toBe('Allow');
        const condition = (statement.conditions ?? [])
          .map((entry) => ` if ${entry.test} ${entry.variable} ${entry.values.join(',')}`)
          .join('');
        return statement.actions.flatMap((action) =>
          statement.resources.map((resource) => `${action} ${resource}${condition}`),
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
  const consumerGrants = (queues: readonly string[], options: { defers?: boolean } = {}) =>
    queues.flatMap((name) => {
      const queue = arnOf.sqs('pr-42', name);
      const deadLetter = arnOf.sqs('pr-42', `${name}-dlq`);
      return [
        ...consumeActions.map((action) => `${action} ${queue}`),
        `sqs:GetQueueUrl ${queue}`,
        `sqs:GetQueueUrl ${deadLetter}`,
        `sqs:SendMessage ${deadLetter}`,
        ...(options.defers ? [`sqs:SendMessage ${queue}`] : []),
      ];
    });
  const source = arnOf.secret('totes-dev-source');
  const warehouse = arnOf.secret('totes-dev-warehouse');
  const raw = arnOf.bucket('pr-42', 'raw');
  const processed = arnOf.bucket('pr-42', 'processed');
  const listing = (bucket: string, zone: string) =>
    `s3:ListBucket ${bucket} if StringLike s3:prefix pr-42/${zone}/*`;
  const expected: Record<ServiceName, string[]> = {
    [ServiceName.changeDetector]: [
      // The inbox's events; a malformed one is dead-lettered with its reason.
      ...consumerGrants(['inbox-events']),
      `s3:ListBucket ${inboxBucketArn('pr-42')} if StringLike s3:prefix inbox/*`,
      `secretsmanager:GetSecretValue ${source}`,
      `secretsmanager:GetSecretValue ${warehouse}`,
      `sns:Publish ${arnOf.sns('pr-42', 'changes')}`,
      `sns:Publish ${arnOf.sns('pr-42', 'load-complete')}`,
    ],
    [ServiceName.tableExtractor]: [
      ...consumerGrants(['table-extractor']),
      `secretsmanager:GetSecretValue ${source}`,
      `secretsmanager:GetSecretValue ${warehouse}`,
      `sns:Publish ${arnOf.sns('pr-42', 'extracted')}`,
      `sns:Publish ${arnOf.sns('pr-42', 'load-complete')}`,
      `s3:GetObject ${raw}/pr-42/raw/*`,
      `s3:PutObject ${raw}/pr-42/raw/*`,
      listing(raw, 'raw'),
      `s3:GetObject ${inboxBucketArn('pr-42')}/inbox/*`,
    ],
    [ServiceName.dimensionBuilder]: [
      ...consumerGrants(queuesOf(ServiceName.dimensionBuilder)),
      `sns:Publish ${arnOf.sns('pr-42', 'built')}`,
      `s3:GetObject ${raw}/pr-42/raw/*`,
      listing(raw, 'raw'),
      `s3:PutObject ${processed}/pr-42/processed/*`,
      listing(processed, 'processed'),
    ],
    [ServiceName.factBuilder]: [
      ...consumerGrants(queuesOf(ServiceName.factBuilder)),
      `sns:Publish ${arnOf.sns('pr-42', 'built')}`,
      `s3:GetObject ${raw}/pr-42/raw/*`,
      `s3:PutObject ${processed}/pr-42/processed/*`,
      listing(processed, 'processed'),
    ],
    [ServiceName.warehouseLoader]: [
      ...consumerGrants(['warehouse-loader'], { defers: true }),
      `secretsmanager:GetSecretValue ${warehouse}`,
      `sns:Publish ${arnOf.sns('pr-42', 'load-complete')}`,
      `s3:GetObject ${processed}/pr-42/processed/*`,
    ],
  };

  it.each(Object.values(ServiceName))(
    'grants %s exactly what it touches in its role’s inline policy',
    (service) => {
      expect(grantsOf('pr-42', service)).toEqual([...expected[service]].sort());
    },
  );

  it.each(Object.values(ServiceName))(
    'grants %s on an inbox-only stage what it touches there: all but the source secret',
    (service) => {
      const onFiles = expected[service]
        .filter((grant) => grant !== `secretsmanager:GetSecretValue ${source}`)
        .map((grant) => grant.replaceAll('pr-42', 'files'));

      expect(grantsOf('files', service)).toEqual(onFiles.sort());
    },
  );

  it('attaches no managed policy but the basic execution role', () => {
    for (const role of of('pr-42', Type.role).filter((entry) =>
      String(entry.inputs.name).includes('FunctionRole'),
    )) {
      expect(role.inputs.managedPolicyArns).toEqual([
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      ]);
    }
  });

  it('makes every function that opens a database trust Amazon’s CA certificates, and only those', () => {
    for (const service of Object.values(ServiceName)) {
      const env = envOf('pr-42', service);
      const opensDatabase = env[LambdaVariable.sourceSecretArn] ?? env[LambdaVariable.warehouseSecretArn];
      expect(env.NODE_EXTRA_CA_CERTS, service).toBe(opensDatabase ? '/var/runtime/ca-cert.pem' : undefined);
    }
  });

  it('runs every function with the heap limits the bench measures its memory under', () => {
    for (const service of Object.values(ServiceName)) {
      expect(envOf('pr-42', service).NODE_OPTIONS, service).toBe(
        '--max-old-space-size=128 --max-semi-space-size=4',
      );
    }
  });

  it('puts names, URLs and secret ARNs in env, never a credential', () => {
    for (const service of Object.values(ServiceName)) {
      for (const value of Object.values(envOf('pr-42', service))) {
        expect(value).not.toMatch(/:\/\/[^/\s]*@/);
        expect(value.toLowerCase()).not.toContain('password');
      }
    }
  });

  it('gives each function exactly the topics it may publish to, by env', () => {
    const publishes: Record<ServiceName, TopicName[]> = {
      [ServiceName.changeDetector]: [TopicName.changes, TopicName.loadComplete],
      [ServiceName.tableExtractor]: [TopicName.extracted, TopicName.loadComplete],
      [ServiceName.dimensionBuilder]: [TopicName.built],
      [ServiceName.factBuilder]: [TopicName.built],
      [ServiceName.warehouseLoader]: [TopicName.loadComplete],
    };

    for (const service of Object.values(ServiceName)) {
      const env = envOf('pr-42', service);
      const topics = Object.values(TopicName).filter((topic) => env[topicVariable(topic)] !== undefined);
      expect(topics.sort()).toEqual([...publishes[service]].sort());
      for (const topic of topics) expect(env[topicVariable(topic)]).toBe(arnOf.sns('pr-42', topic));
    }
    expect(envOf('pr-42', ServiceName.warehouseLoader)[LambdaVariable.processedLakeUrl]).toBe(
      `s3://${scopedName('pr-42', 'processed')}-${mockAccount}/pr-42`,
    );
  });
});

describe('the alarms', () => {
  const alarmsOf = (stageName: string) => of(stageName, Type.alarm);
  const alarmNamed = (stageName: string, what: string) =>
    named(stageName, Type.alarm, scopedName(stageName, what));

  it('alarms on any message in any dead-letter queue, the inbox events’ too, by visible messages', () => {
    for (const spec of allQueues) {
      expect(alarmNamed('pr-42', `${spec.deadLetterQueue}-messages`).inputs).toMatchObject({
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: scopedName('pr-42', spec.deadLetterQueue) },
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms when a queue’s oldest message is older than the queue’s visibility timeout', () => {
    for (const spec of allQueues) {
      const queue = named('pr-42', Type.queue, scopedName('pr-42', spec.name));

      expect(alarmNamed('pr-42', `${spec.name}-oldest-message`).inputs).toMatchObject({
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: scopedName('pr-42', spec.name) },
        threshold: queue.inputs.visibilityTimeoutSeconds,
        comparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('alarms on every function’s errors and throttles, and on a Duration p99 at 90 % of its timeout', () => {
    for (const stageName of ['pr-42', 'production']) {
      for (const service of Object.values(ServiceName)) {
        const fn = functionOf(stageName, service);
        for (const metric of ['errors', 'throttles']) {
          expect(alarmNamed(stageName, `${service}-${metric}`).inputs).toMatchObject({
            namespace: 'AWS/Lambda',
            dimensions: { FunctionName: fn.inputs.name },
            statistic: 'Sum',
            threshold: 1,
          });
        }
        expect(alarmNamed(stageName, `${service}-duration`).inputs).toMatchObject({
          metricName: 'Duration',
          extendedStatistic: 'p99',
          threshold: fn.inputs.timeout * 900,
        });
      }
    }
  });

  it('alarms per source table when its lag passes the SLA or stops being reported', () => {
    for (const [stageName, sla] of [
      ['pr-42', 1800],
      ['alice', 600],
    ] as const) {
      for (const table of sourceTableNames) {
        expect(alarmNamed(stageName, `${table}-freshness`).inputs).toMatchObject({
          namespace: 'Totes',
          metricName: 'SourceLagSeconds',
          dimensions: { stage: stageName, table },
          statistic: 'Maximum',
          period: sla,
          threshold: sla,
          comparisonOperator: 'GreaterThanThreshold',
          treatMissingData: 'breaching',
        });
      }
    }
  });

  it('derives every alarm from the topology, and sends each one, and its recovery, to the stage’s alerts topic', () => {
    const alarms = alarmsOf('pr-42');

    expect(alarms).toHaveLength(
      2 * allQueues.length + 3 * Object.values(ServiceName).length + sourceTableNames.length,
    );
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions).toEqual([arnOf.sns('pr-42', 'alerts')]);
      expect(alarm.inputs.okActions).toEqual([arnOf.sns('pr-42', 'alerts')]);
    }
  });

  it('subscribes the addresses in TOTES_ALERT_EMAILS to the alerts topic, and none when it is unset', () => {
    const emails = (stageName: string) =>
      of(stageName, Type.subscription).filter((entry) => entry.inputs.protocol === 'email');

    expect(
      emails('pr-42')
        .map((entry) => entry.inputs.endpoint)
        .sort(),
    ).toEqual([...alertEmails].sort());
    for (const entry of emails('pr-42')) expect(entry.inputs.topic).toBe(arnOf.sns('pr-42', 'alerts'));
    expect(emails('production')).toEqual([]);
  });

  it('draws a dashboard per stage with the lag of every source table, the queue depths and every alarm', () => {
    const [board] = of('pr-42', Type.dashboard);
    const body = JSON.stringify(JSON.parse(board?.inputs.dashboardBody));

    expect(board?.inputs.dashboardName).toBe(scopedName('pr-42', 'platform'));
    for (const table of sourceTableNames)
      expect(body).toContain(`"SourceLagSeconds","stage","pr-42","table","${table}"`);
    for (const spec of allQueues) {
      expect(body).toContain(`"QueueName","${scopedName('pr-42', spec.deadLetterQueue)}"`);
      expect(body).toContain(`"QueueName","${scopedName('pr-42', spec.name)}"`);
    }
    for (const alarm of alarmsOf('pr-42')) expect(body).toContain(`:${alarm.inputs.name}"`);
  });
});

describe('stages', () => {
  it('scopes every physical name it sets to the app and the stage', () => {
    for (const stageName of Object.keys(stages)) {
      const names = [Type.topic, Type.queue, Type.function, Type.schedule, Type.alarm, Type.bucket].flatMap(
        (type) => of(stageName, type).map((entry) => String(entry.inputs.name ?? entry.inputs.bucket)),
      );

      const topics = Object.values(TopicName).length + 1;
      const alarms = 2 * allQueues.length + 3 * Object.values(ServiceName).length + sourceTableNames.length;
      const buckets = 3;
      expect(names).toHaveLength(topics + 2 * allQueues.length + 5 + 1 + alarms + buckets);
      for (const name of names) expect(name.startsWith(`totes-${stageName}-`), name).toBe(true);
    }
  });

  it('names each bucket in full, with no prefix beside it, which S3 would refuse', () => {
    const buckets = of('pr-42', Type.bucket);

    expect(buckets.map((bucket) => bucket.inputs.bucket).sort()).toEqual([
      `totes-pr-42-inbox-${mockAccount}`,
      `totes-pr-42-processed-${mockAccount}`,
      `totes-pr-42-raw-${mockAccount}`,
    ]);
    for (const bucket of buckets) expect(bucket.inputs.bucketPrefix).toBeUndefined();
  });

  it('retains production’s data and protects it; every other stage removes everything', () => {
    for (const stageName of Object.keys(stages)) {
      const production = stageName === 'production';

      expect(stage(stageName).app).toMatchObject({
        removal: production ? 'retain' : 'remove',
        protect: production,
      });
      expect(stage(stageName).outputs._protect).toBe(production);
      for (const bucket of of(stageName, Type.bucket)) expect(bucket.inputs.forceDestroy).toBe(!production);
      expect(of(stageName, 'aws:s3/bucketVersioning:BucketVersioning')).toHaveLength(production ? 3 : 0);
    }
  });

  it('gives each stage its own buckets, lake prefix and schemas, so no stage writes another’s data', () => {
    const layouts = Object.values(stages).map((entry) => entry.outputs);

    for (const key of [
      'rawBucket',
      'processedBucket',
      'inboxUrl',
      'lakePrefix',
      'warehouseSchema',
      'stateSchema',
    ]) {
      expect(new Set(layouts.map((layout) => layout[key])).size).toBe(layouts.length);
    }
  });

  it('points production and staging at their own secrets, and previews and personal stages at the shared dev ones', () => {
    const secretsOf = (stageName: string) =>
      of(stageName, 'call:secretsmanager/getSecret')
        .map((entry) => entry.name)
        .sort();

    expect(secretsOf('production')).toEqual(['totes-production-source', 'totes-production-warehouse']);
    expect(secretsOf('staging')).toEqual(['totes-staging-source', 'totes-staging-warehouse']);
    expect(secretsOf('pr-42')).toEqual(['totes-dev-source', 'totes-dev-warehouse']);
    expect(secretsOf('alice')).toEqual(['totes-dev-source', 'totes-dev-warehouse']);
    // An inbox-only stage has no source: its secret is not looked up, and need not exist.
    expect(secretsOf('files')).toEqual(['totes-dev-warehouse']);
  });
});
