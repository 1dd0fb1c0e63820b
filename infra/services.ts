import { heapFlags, LambdaVariable, topicVariable } from '@totes/aws-entry/contract';
import { ServiceName, scopedName, TopicName, type Topology } from '@totes/model';
import type { Size } from '../.sst/platform/src/components/size';
import runtimePackage from '../packages/runtime/package.json' with { type: 'json' };
import type { Bus, BusQueue } from './bus';
import { InfraError, InfraErrorCode } from './errors';
import type { InboxBucket } from './inbox';
import { type LakeBuckets, Zone } from './lake';
import { logicalName } from './naming';
import type { DatabaseSecrets } from './secrets';
import { type DeploySettings, DeployVariable, DetectMode } from './settings';
import type { StagePlan } from './stage';

/** How a service runs on Lambda. */
export interface ServiceSettings {
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memory: Size;
  /** Records per invocation, for the services fed by queues. */
  readonly batchSize: number;
  /** At most this many invocations at once per queue, which bounds the connections to the databases. */
  readonly maxConcurrency: number;
  /**
   * The loader's transactions per large dataset (`TOTES_LOAD_PARALLELISM`), each a warehouse connection: at most
   * `maxConcurrency × loadParallelism` of the loader's connections at once.
   */
  readonly loadParallelism?: number;
}

/** Every service's Lambda settings. A queue's visibility timeout is six times its consumer's timeout. */
export const serviceSettings: Readonly<Record<ServiceName, ServiceSettings>> = {
  [ServiceName.changeDetector]: {
    handler: 'packages/change-detector/src/lambda.handler',
    timeoutSeconds: 60,
    memory: '512 MB',
    // The inbox's events: one cycle records and claims the files of up to ten at once.
    batchSize: 10,
    maxConcurrency: 2,
  },
  [ServiceName.tableExtractor]: {
    handler: 'packages/table-extractor/src/lambda.handler',
    timeoutSeconds: 300,
    memory: '2048 MB',
    batchSize: 1,
    maxConcurrency: 4,
  },
  [ServiceName.dimensionBuilder]: {
    handler: 'packages/dimension-builder/src/lambda.handler',
    timeoutSeconds: 120,
    memory: '1024 MB',
    batchSize: 5,
    maxConcurrency: 2,
  },
  [ServiceName.factBuilder]: {
    handler: 'packages/fact-builder/src/lambda.handler',
    timeoutSeconds: 120,
    memory: '1024 MB',
    batchSize: 5,
    maxConcurrency: 4,
  },
  [ServiceName.warehouseLoader]: {
    handler: 'packages/warehouse-loader/src/lambda.handler',
    timeoutSeconds: 120,
    memory: '1024 MB',
    batchSize: 5,
    maxConcurrency: 4,
    loadParallelism: 2,
  },
};

/**
 * A continuous detector's timeout: it runs cycles until just before the next minute's invocation, so its timeout
 * covers the minute with room for the last cycle to finish.
 */
export const continuousDetectorTimeoutSeconds = 90;

/** A function's timeout on a stage: the detector's follows the detection mode. */
export function timeoutSecondsOf(service: ServiceName, settings: DeploySettings): number {
  if (service === ServiceName.changeDetector && settings.detectMode === DetectMode.continuous) {
    return continuousDetectorTimeoutSeconds;
  }
  return serviceSettings[service].timeoutSeconds;
}

/** What a function may do in a zone of the lake. */
export const LakeAction = {
  get: 's3:GetObject',
  /** Writing a part; a rewritten dataset also overwrites the leftover parts of a larger earlier write with empty ones. */
  put: 's3:PutObject',
  /** Listing a prefix: the current state of a joined table, and a rewrite's leftover parts. */
  list: 's3:ListBucket',
} as const;
export type LakeAction = (typeof LakeAction)[keyof typeof LakeAction];

/** The database credentials a function may read. */
export const Credential = { source: 'source', warehouse: 'warehouse' } as const;
export type Credential = (typeof Credential)[keyof typeof Credential];

/** What a function touches besides the queues it consumes. Everything it is granted follows from this. */
export interface ServiceAccess {
  readonly secrets: readonly Credential[];
  readonly publishes: readonly TopicName[];
  readonly lake: Readonly<Partial<Record<Zone, readonly LakeAction[]>>>;
  /** What it does with the inbox's files; a function given none is not told where the inbox is. */
  readonly inbox: readonly LakeAction[];
  /** Puts messages back on its own queue with a delay: a fact load waiting for its dimension rows. */
  readonly defers: boolean;
  /** Emits OpenLineage events, so it is told where the source lives. */
  readonly lineage: boolean;
}

/**
 * Least privilege, service by service. The platform keeps its state (watermarks, the run and load ledgers) in the
 * warehouse database's state schema, so whatever reads or moves a watermark holds the warehouse secret: the
 * detector and the extractor as well as the loader. The extractor publishes to `load-complete` too: when the last
 * open piece of a run is an empty window, it completes the run itself.
 */
export const serviceAccess: Readonly<Record<ServiceName, ServiceAccess>> = {
  [ServiceName.changeDetector]: {
    secrets: [Credential.source, Credential.warehouse],
    // load-complete: a cycle that found changes announces its run's OpenLineage START (`run.started`) there.
    publishes: [TopicName.changes, TopicName.loadComplete],
    lake: {},
    // list: the periodic re-listing that finds the files whose event never came.
    inbox: [LakeAction.list],
    defers: false,
    lineage: true,
  },
  [ServiceName.tableExtractor]: {
    secrets: [Credential.source, Credential.warehouse],
    publishes: [TopicName.extracted, TopicName.loadComplete],
    // get: a delete check reads the key columns of the table's raw parts to compare them with the source's keys.
    lake: { [Zone.raw]: [LakeAction.get, LakeAction.put, LakeAction.list] },
    // get: the claimed file's bytes, streamed.
    inbox: [LakeAction.get],
    defers: false,
    lineage: true,
  },
  [ServiceName.dimensionBuilder]: {
    secrets: [],
    publishes: [TopicName.built],
    lake: {
      [Zone.raw]: [LakeAction.get, LakeAction.list],
      [Zone.processed]: [LakeAction.put, LakeAction.list],
    },
    inbox: [],
    defers: false,
    lineage: false,
  },
  [ServiceName.factBuilder]: {
    secrets: [],
    publishes: [TopicName.built],
    lake: {
      [Zone.raw]: [LakeAction.get],
      [Zone.processed]: [LakeAction.put, LakeAction.list],
    },
    inbox: [],
    defers: false,
    lineage: false,
  },
  [ServiceName.warehouseLoader]: {
    secrets: [Credential.warehouse],
    publishes: [TopicName.loadComplete],
    lake: { [Zone.processed]: [LakeAction.get] },
    inbox: [],
    defers: true,
    lineage: true,
  },
};

/** What the functions are built from. */
export interface ServicesInput {
  readonly plan: StagePlan;
  readonly settings: DeploySettings;
  readonly topology: Topology;
  readonly lake: LakeBuckets;
  readonly inbox: InboxBucket;
  readonly secrets: DatabaseSecrets;
  readonly bus: Bus;
}

/**
 * The five functions (Node.js 22 on arm64), each given exactly what {@link serviceAccess} says through
 * `permissions` (never `link`, which grants `*` on a resource), and subscribed to the queues whose consumer it is,
 * with partial batch responses.
 */
export function services(input: ServicesInput): Readonly<Record<ServiceName, sst.aws.Function>> {
  const functions = {} as Record<ServiceName, sst.aws.Function>;
  for (const service of Object.values(ServiceName)) {
    const settings = serviceSettings[service];
    const consumed = input.bus.queues.filter((queue) => queue.spec.consumer === service);
    const fn = new sst.aws.Function(logicalName(service, 'function'), {
      name: scopedName(input.plan.stage, service),
      description: `totes ${service} (${input.plan.stage})`,
      handler: settings.handler,
      runtime: 'nodejs22.x',
      architecture: 'arm64',
      timeout: `${timeoutSecondsOf(service, input.settings)} seconds`,
      memory: settings.memory,
      // /tmp: the extractor writes a Parquet file of the inbox there, decompressed, to read it from its end.
      ...(service === ServiceName.tableExtractor
        ? { storage: `${input.settings.extractorTmpMb} MB` as const }
        : {}),
      environment: environmentOf(service, input),
      permissions: permissionsOf(service, consumed, input),
      link: [],
      logging: { retention: input.plan.retainData ? '1 year' : '1 month' },
      nodejs: {
        // parquet-wasm loads its .wasm from its own folder, so it ships as a package, not bundled.
        install: { 'parquet-wasm': runtimePackage.dependencies['parquet-wasm'] },
        // pg requires pg-native only when asked to; the platform never does.
        esbuild: { external: ['pg-native'] },
      },
    });
    for (const { queue } of consumed) {
      queue.subscribe(fn.arn, {
        batch: { size: settings.batchSize, partialResponses: true },
        transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: settings.maxConcurrency } } },
      });
    }
    functions[service] = fn;
  }
  return functions;
}

/** The bundle of Amazon's CA certificates in Lambda's Node.js runtimes. */
const lambdaAmazonCertificates = '/var/runtime/ca-cert.pem';

/**
 * The credentials a function is given on this stage: those {@link serviceAccess} names, less the source's on an
 * inbox-only stage, which has none.
 */
export function credentialsOf(
  service: ServiceName,
  settings: Pick<DeploySettings, 'inboxOnly'>,
): Credential[] {
  return serviceAccess[service].secrets.filter(
    (credential) => !(settings.inboxOnly && credential === Credential.source),
  );
}

/** A credential's secret ARN; the source's is looked up only on a stage that has a source. */
function secretArnOf(secrets: DatabaseSecrets, credential: Credential): $util.Output<string> {
  const secret = secrets[credential];
  if (!secret) {
    throw new InfraError(
      InfraErrorCode.noSource,
      `the ${credential} secret is not looked up on an inbox-only stage`,
    );
  }
  return secret.arn;
}

function environmentOf(service: ServiceName, input: ServicesInput): Record<string, $util.Input<string>> {
  const access = serviceAccess[service];
  const credentials = credentialsOf(service, input.settings);
  const { plan, lake, secrets, bus } = input;
  const environment: Record<string, $util.Input<string>> = {
    [LambdaVariable.stage]: plan.stage,
    [LambdaVariable.warehouseSchema]: plan.warehouseSchema,
    [LambdaVariable.stateSchema]: plan.stateSchema,
  };
  if (access.lake.raw) {
    environment[LambdaVariable.rawLakeUrl] = $interpolate`s3://${lake.buckets.raw.name}/${lake.prefix}`;
  }
  if (access.lake.processed) {
    environment[LambdaVariable.processedLakeUrl] =
      $interpolate`s3://${lake.buckets.processed.name}/${lake.prefix}`;
  }
  if (access.inbox.length > 0) environment[LambdaVariable.inboxUrl] = input.inbox.url;
  // The policies apply where files are read: the extractor's.
  if (access.inbox.includes(LakeAction.get) && input.settings.inboxPolicy !== undefined) {
    environment[LambdaVariable.inboxPolicies] = input.settings.inboxPolicy;
  }
  if (credentials.includes(Credential.source)) {
    environment[LambdaVariable.sourceSecretArn] = secretArnOf(secrets, Credential.source);
  }
  if (credentials.includes(Credential.warehouse)) {
    environment[LambdaVariable.warehouseSecretArn] = secretArnOf(secrets, Credential.warehouse);
  }
  // Since Node.js 20, Lambda loads Amazon's CA certificates (RDS's among them) only when told to; without them a
  // verified TLS connection to RDS fails.
  // The heap the bench measures the services' memory with (lambdaHeap), whatever the function's memory size.
  environment.NODE_OPTIONS = heapFlags().join(' ');
  if (credentials.length > 0) environment.NODE_EXTRA_CA_CERTS = lambdaAmazonCertificates;
  // `none` on an inbox-only stage: the functions then open no source, and the lineage names the inbox.
  if (access.lineage) environment[LambdaVariable.sourceLocation] = input.settings.sourceLocation;
  const { loadParallelism } = serviceSettings[service];
  if (loadParallelism !== undefined) environment[LambdaVariable.loadParallelism] = String(loadParallelism);
  for (const topic of access.publishes) environment[topicVariable(topic)] = bus.topics[topic].arn;
  if (service === ServiceName.changeDetector) {
    environment[DeployVariable.detectMode] = input.settings.detectMode;
    environment[DeployVariable.detectIntervalMs] = String(input.settings.detectIntervalMs);
  }
  return environment;
}

function permissionsOf(
  service: ServiceName,
  consumed: readonly BusQueue[],
  input: ServicesInput,
): sst.aws.FunctionPermissionArgs[] {
  const access = serviceAccess[service];
  const credentials = credentialsOf(service, input.settings);
  const { lake, secrets, bus } = input;
  const permissions: sst.aws.FunctionPermissionArgs[] = [];
  if (consumed.length > 0) {
    const queues = consumed.map(({ queue }) => queue.arn);
    const deadLetters = consumed.map(({ deadLetter }) => deadLetter.arn);
    permissions.push(
      // What the event source mapping needs to feed the function.
      {
        actions: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        resources: queues,
      },
      // The entry looks up its queue and dead-letter queue, and dead-letters what can never succeed.
      { actions: ['sqs:GetQueueUrl'], resources: [...queues, ...deadLetters] },
      { actions: ['sqs:SendMessage'], resources: access.defers ? [...queues, ...deadLetters] : deadLetters },
    );
  }
  if (access.publishes.length > 0) {
    permissions.push({
      actions: ['sns:Publish'],
      resources: access.publishes.map((topic) => bus.topics[topic].arn),
    });
  }
  if (credentials.length > 0) {
    permissions.push({
      actions: ['secretsmanager:GetSecretValue'],
      resources: credentials.map((credential) => secretArnOf(secrets, credential)),
    });
  }
  for (const zone of Object.values(Zone)) {
    permissions.push(...prefixGrants(lake.buckets[zone], `${lake.prefix}/${zone}`, access.lake[zone] ?? []));
  }
  permissions.push(...prefixGrants(input.inbox.bucket, input.inbox.prefix, access.inbox));
  return permissions;
}

/** The grants of `actions` under one prefix of a bucket: its objects, and a listing of that prefix only. */
function prefixGrants(
  bucket: sst.aws.Bucket,
  prefix: string,
  actions: readonly LakeAction[],
): sst.aws.FunctionPermissionArgs[] {
  const permissions: sst.aws.FunctionPermissionArgs[] = [];
  const objectActions = actions.filter((action) => action !== LakeAction.list);
  if (objectActions.length > 0) {
    permissions.push({ actions: objectActions, resources: [$interpolate`${bucket.arn}/${prefix}/*`] });
  }
  if (actions.includes(LakeAction.list)) {
    permissions.push({
      actions: [LakeAction.list],
      resources: [bucket.arn],
      conditions: [{ test: 'StringLike', variable: 's3:prefix', values: [`${prefix}/*`] }],
    });
  }
  return permissions;
}
