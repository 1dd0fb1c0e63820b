import {
  type DetectionOptions,
  type DetectionResult,
  type DetectorLoop,
  runDetectionCycle,
  startChangeDetector,
} from '@totes/change-detector';
import type { ModelBuilt, ModelLoaded, RunCompleted, TableExtracted } from '@totes/contracts';
import { startDimensionBuilder } from '@totes/dimension-builder';
import { startFactBuilder } from '@totes/fact-builder';
import {
  inboxPolicyOf,
  platformTopology,
  ServiceName,
  sourceTableNames,
  sourceTables,
  TopicName,
} from '@totes/model';
import {
  type Consumer,
  checkSourceSchema,
  createAwsClients,
  createDeleteCheckStore,
  createInboxLedger,
  createInboxPieceLedger,
  createInboxStore,
  createLake,
  createPlatformInstanceStore,
  createPool,
  createPublisher,
  createRunLedger,
  createSchemaDriftStore,
  createWatermarkStore,
  ensureLakeIdentity,
  findPendingChanges,
  hasSourceDatabase,
  IdentityAction,
  KillStep,
  killPoint,
  type Lake,
  type LakeIdentity,
  type Logger,
  lineageNamespaces,
  type PlatformConfig,
  provisionTopology,
  readChangeWindow,
  readCurrentState,
  readSourceKeys,
  runCompletedMessage,
  type TopologyEndpoints,
  withAdvisoryLock,
} from '@totes/runtime';
import { startTableExtractor } from '@totes/table-extractor';
import { createWarehouseWriter, migrateWarehouse, startWarehouseLoader } from '@totes/warehouse-loader';
import { queueDepth } from './ops/queues';

/** What the services report as they work, for progress displays and run summaries. */
export interface PlatformEvents {
  onDetected?: (result: DetectionResult) => void;
  onExtracted?: (extracted: TableExtracted) => void;
  onBuilt?: (built: ModelBuilt) => void;
  onLoaded?: (loaded: ModelLoaded) => void;
  onRunCompleted?: (run: RunCompleted) => void;
}

/** The five services running in this process over the real SNS/SQS protocol, and the means to drive them. */
export interface Platform {
  readonly endpoints: TopologyEndpoints;
  /** The platform instance the lake and the state share, and what this start did to settle it. */
  readonly identity: LakeIdentity;
  /** One detection cycle, now; `checkDeletes` asks for every table's delete check too. */
  detectOnce(options?: DetectionOptions): Promise<DetectionResult>;
  /** Detection on an interval, until stopped. */
  startDetector(intervalMs: number): DetectorLoop;
  /**
   * Messages waiting or in flight on every queue, and dead-lettered on every dead-letter queue: in all, and per
   * dead-letter queue (by its name in the topology).
   */
  queueDepths(): Promise<{ pending: number; deadLettered: number; deadLetters: Record<string, number> }>;
  /** Messages on each dead-letter queue (by its name in the topology): half the calls of `queueDepths`. */
  deadLetterDepths(): Promise<Record<string, number>>;
  /** Stops the services, letting messages in hand finish, and closes the pools. */
  stop(): Promise<void>;
}

export interface PlatformOptions {
  config: PlatformConfig;
  /** An emulator endpoint (fauxqs) for SNS, SQS and S3; unset on AWS. */
  awsEndpoint?: string | undefined;
  logger: Logger;
  events?: PlatformEvents;
  /** How long an extraction may run before the detector asks again. */
  claimLeaseMs?: number;
  /**
   * The queues are new and empty (the in-process emulator keeps them in memory), so extractions claimed before a
   * restart are not in flight any more and are asked for again at once.
   */
  freshQueues?: boolean;
  /** How long a failed message stays hidden before it is tried again. */
  visibilityTimeoutSeconds?: number;
  /**
   * The services this process runs; all five by default. Each process migrates and provisions (idempotently, one
   * at a time), so the services can run one per process, as on AWS.
   */
  services?: readonly ServiceName[];
}

/** Messages the local loader handles at once (the worker's default). */
const loaderConcurrency = 4;

/**
 * Four connections for the detector, the extractor and the run ledger, and one per load transaction the loader may
 * run at once: each of its messages loads a large dataset in `loadParallelism` transactions, and a load that waited
 * on the pool for long would fail.
 */
function warehousePoolSize(loadParallelism: number): number {
  return 4 + loaderConcurrency * loadParallelism;
}

/** Every service, in the order data flows through them. */
export const allServices: readonly ServiceName[] = Object.values(ServiceName);

/**
 * Starts the platform: migrates the warehouse and the state schema, checks that the lake belongs to this
 * warehouse (refusing one of another platform instance, rebuilding one that was lost), provisions the topology
 * derived from the model, and runs the extractor, the builders and the loader as local pollers.
 *
 * @throws {@link LakeIdentityMismatchError} for a lake of another platform instance.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { config, logger, events = {} } = options;
  const clients = createAwsClients({ region: config.region, endpoint: options.awsEndpoint });
  const lake = await createLake(config.lakeUrl, { s3Client: clients.s3 });
  // An inbox-only platform (TOTES_SOURCE_URL=none) opens no source pool, and its detector lists no table.
  const sourcePool = hasSourceDatabase(config)
    ? createPool(config.sourceUrl, { readOnly: true, applicationName: 'totes-source' })
    : undefined;
  const source = () => {
    if (!sourcePool) throw new Error('this platform has no source database (TOTES_SOURCE_URL=none)');
    return sourcePool;
  };
  const warehouse = createPool(config.warehouseUrl, {
    max: warehousePoolSize(config.loadParallelism),
    applicationName: 'totes-warehouse',
  });
  const services = new Set(options.services ?? allServices);
  const serves = (service: ServiceName) => services.has(service);
  const release = async () => {
    await Promise.all([sourcePool?.end(), warehouse.end()]);
    clients.sqs.destroy();
    clients.sns.destroy();
    clients.s3.destroy();
  };
  const { endpoints, identity } = await (async () => {
    // Under one lock, so the processes of a platform starting together settle the identity once.
    const identity = await withAdvisoryLock(warehouse, `totes-migrate-${config.stage}`, async () => {
      await migrateWarehouse(warehouse, config);
      return ensureLakeIdentity({
        lake: lake.store,
        instances: createPlatformInstanceStore(warehouse, config.stateSchema),
        rewindAll: () => createRunLedger(warehouse, config.stateSchema, sourceTableNames).rewindAll(),
        newId: () => crypto.randomUUID(),
        stateSchema: config.stateSchema,
      });
    });
    reportIdentity(identity, logger);
    const endpoints = await provisionTopology({
      sns: clients.sns,
      sqs: clients.sqs,
      stage: config.stage,
      topology: platformTopology(),
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
    });
    return { endpoints, identity };
  })().catch(async (error: unknown) => {
    // A platform that cannot start holds nothing open, so its caller may simply try again.
    await release().catch(() => {});
    throw error;
  });
  const publisher = createPublisher(clients.sns, endpoints.topics, { stage: config.stage });
  const namespaces = lineageNamespaces(config);
  const watermarks = createWatermarkStore(warehouse, config.stateSchema);
  const runs = createRunLedger(warehouse, config.stateSchema, sourceTableNames);
  const drift = createSchemaDriftStore(warehouse, config.stateSchema);
  const inboxStore = createInboxStore(config.inboxUrl, { s3Client: clients.s3 });
  const inboxLedger = createInboxLedger(warehouse, config.stateSchema);
  const inboxPieces = createInboxPieceLedger(warehouse, config.stateSchema);
  // The detector owns the claims, so the process that runs it rewinds what a restart left unfinished.
  if (options.freshQueues && serves(ServiceName.changeDetector)) {
    const rewound = await runs.rewindUnfinished();
    await watermarks.releaseAllClaims();
    await inboxLedger.releaseClaims();
    if (rewound.length > 0)
      logger.warn('extractions unfinished at the last stop are extracted again', { tables: rewound });
  }
  const completeRun = (cause: { id: string; runId: string }) =>
    runs
      .completeRun(cause.runId, async (run) => {
        const completed = runCompletedMessage(run, cause, namespaces);
        await publisher.publish(TopicName.loadComplete, completed);
        events.onRunCompleted?.(completed);
      })
      .then(() => undefined);
  const queuesOf = (consumer: string) =>
    Object.values(endpoints.queues).filter((queue) => queue.spec.consumer === consumer);
  const only = (consumer: string) => {
    const [queue] = queuesOf(consumer);
    if (!queue) throw new Error(`the topology has no queue for ${consumer}`);
    return queue;
  };
  // A test-only kill point (inert unless TOTES_FAULT_KILL_DIR is set): after the write, before anything announces it.
  const writeDataset: Lake['writeDataset'] = async (...args) => {
    const object = await lake.writeDataset(...args);
    killPoint(KillStep.afterLakeWrite);
    return object;
  };
  const writeColumns: Lake['writeColumns'] = async (...args) => {
    const object = await lake.writeColumns(...args);
    killPoint(KillStep.afterLakeWrite);
    return object;
  };
  const lakePorts = {
    readDataset: lake.readDataset,
    writeDataset,
    readColumns: lake.readColumns,
    writeColumns,
    readCurrentState: (table: (typeof sourceTables)[number], keep?: Parameters<typeof readCurrentState>[2]) =>
      readCurrentState(lake, table, keep),
  };

  const consumers: Consumer[] = [];
  if (serves(ServiceName.tableExtractor))
    consumers.push(
      startTableExtractor({
        sqs: clients.sqs,
        queue: only(ServiceName.tableExtractor),
        logger,
        onExtracted: (extracted) => events.onExtracted?.(extracted),
        ports: {
          checkSchema: (table) => checkSourceSchema(source(), table),
          readWindow: (table, window, horizon) =>
            readChangeWindow(source(), table, window, undefined, horizon),
          writeColumns,
          writeDataset,
          listRaw: (prefix) => lake.list(prefix),
          readDataset: lake.readDataset,
          sourceKeys: (table, from, to) => readSourceKeys(source(), table, from, to),
          publish: (message) => publisher.publish(TopicName.extracted, message),
          watermarks,
          runs,
          drift,
          completeRun,
          lateCommitMarginMs: config.lateCommitMarginMs,
          inbox: {
            readFile: (key, options) => inboxStore.read(key, options),
            ledger: inboxLedger,
            pieces: inboxPieces,
            policyOf: (table) => inboxPolicyOf(table, config.inboxPolicies),
          },
        },
      }),
    );
  if (serves(ServiceName.dimensionBuilder))
    consumers.push(
      ...startDimensionBuilder({
        sqs: clients.sqs,
        queues: queuesOf(ServiceName.dimensionBuilder),
        ports: lakePorts,
        publisher,
        logger,
        onBuilt: events.onBuilt,
      }),
    );
  if (serves(ServiceName.factBuilder))
    consumers.push(
      ...startFactBuilder({
        sqs: clients.sqs,
        queues: queuesOf(ServiceName.factBuilder),
        ports: lakePorts,
        publisher,
        logger,
        onBuilt: events.onBuilt,
      }),
    );
  if (serves(ServiceName.warehouseLoader))
    consumers.push(
      startWarehouseLoader({
        sqs: clients.sqs,
        queue: only(ServiceName.warehouseLoader),
        publisher,
        logger,
        runs,
        onLoaded: events.onLoaded,
        onRunCompleted: events.onRunCompleted,
        ports: {
          readColumns: lake.readColumns,
          writer: createWarehouseWriter({ pool: warehouse, runs, ...config }),
          namespaces,
        },
      }),
    );

  const detector = {
    ports: {
      tables: sourcePool ? sourceTables : [],
      inbox: { list: () => inboxStore.list(), ledger: inboxLedger, batch: config.inboxBatch },
      findPendingChanges: (
        table: (typeof sourceTables)[number],
        after: Parameters<typeof findPendingChanges>[2],
        marginFrom: string | null,
      ) => findPendingChanges(source(), table, after, marginFrom, config.lateCommitMarginMs),
      lateCommitMarginMs: config.lateCommitMarginMs,
      watermarks,
      now: () => new Date(),
      claimLeaseMs: options.claimLeaseMs ?? 5 * 60_000,
      drift,
      checkSchema: (table: (typeof sourceTables)[number]) => checkSourceSchema(source(), table),
      deleteChecks: createDeleteCheckStore(warehouse, config.stateSchema),
      deleteCheckIntervalMs: config.deleteCheckIntervalMs,
    },
    publisher,
    runs,
    logger,
    namespaces,
  };
  const loops: DetectorLoop[] = [];
  const deadLetterDepths = async (): Promise<Record<string, number>> => {
    const queues = Object.values(endpoints.queues);
    const depths = await Promise.all(queues.map((queue) => queueDepth(clients.sqs, queue.deadLetterUrl)));
    return Object.fromEntries(queues.map((queue, i) => [queue.spec.deadLetterQueue, depths[i] ?? 0]));
  };

  return {
    endpoints,
    identity,
    detectOnce: async (detection = {}) => {
      const result = await runDetectionCycle(detector, detection);
      events.onDetected?.(result);
      return result;
    },
    startDetector: (intervalMs) => {
      if (!serves(ServiceName.changeDetector))
        throw new Error('this process does not run the change-detector');
      const loop = startChangeDetector({ ...detector, intervalMs, onCycle: events.onDetected });
      loops.push(loop);
      return loop;
    },
    queueDepths: async () => {
      const queues = Object.values(endpoints.queues);
      const [depths, deadLetters] = await Promise.all([
        Promise.all(queues.map((queue) => queueDepth(clients.sqs, queue.url))),
        deadLetterDepths(),
      ]);
      const pending = depths.reduce((sum, depth) => sum + depth, 0);
      return {
        pending: pending + consumers.reduce((sum, consumer) => sum + consumer.inFlight, 0),
        deadLettered: Object.values(deadLetters).reduce((sum, depth) => sum + depth, 0),
        deadLetters,
      };
    },
    deadLetterDepths,
    stop: async () => {
      await Promise.all(loops.map((loop) => loop.stop()));
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await release();
    },
  };
}

/** Says what a start did to the lake's identity, when it did more than find it matched. */
function reportIdentity(identity: LakeIdentity, logger: Logger): void {
  const context = { lake: identity.lake, instanceId: identity.instanceId };
  if (identity.action === IdentityAction.rebuild)
    logger.warn(
      'the lake holds no platform instance id and no raw data, but the state has one: the lake was lost. ' +
        'Every table is rewound to the beginning and extracted again from the source; loads are idempotent',
      context,
    );
  else if (identity.action === IdentityAction.adopt)
    logger.info('the lake held raw data but no platform instance id: adopted under a new id', context);
  else if (identity.action === IdentityAction.create)
    logger.info('a new lake and a new state: recorded the platform instance id in both', context);
}
