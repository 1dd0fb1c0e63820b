import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalAws, startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { platformTopology, ServiceName } from '@totes/model';
import {
  createAwsClients,
  createPool,
  createPublisher,
  killPointVariable,
  loadConfig,
  provisionTopology,
} from '@totes/runtime';
import { createRandom, seedTotesys } from '@totes/totesys';
import { runVerify } from '@totes/verify';
import pg from 'pg';
import { drainPipeline } from './drain';
import { SoakAbortedError } from './errors';
import { countByKind, planFaults } from './fault-plan';
import { mergeDrains, requestFinalDeleteChecks } from './final-delete-checks';
import { createKillPoints, type KillPoints } from './kill-points';
import { truncateLakeObject } from './lake-faults';
import { type LakeWriteProxy, startLakeWriteProxy } from './lake-write-proxy';
import { type MessageTap, startMessageTap } from './message-tap';
import { applyMutations, type MutationTally, planMutations } from './mutations';
import { type ServiceProcesses, startServiceProcesses } from './service-processes';
import { startTcpProxy, type TcpProxy, throughProxy } from './tcp-proxy';
import { aimedKillSteps, FaultKind, type ScheduledFault, type SoakOptions, type SoakSummary } from './types';

const stage = 'soak';
const bucket = 'totes-soak-lake';

/** How the services are run during a soak: quick retries, so a run takes minutes, not hours. */
export const soakServiceSettings = {
  intervalMs: 500,
  visibilityTimeoutSeconds: 5,
  claimLeaseSeconds: 20,
} as const;

/** What the harness holds while a soak runs. */
interface Rig {
  readonly services: ServiceProcesses;
  readonly tap: MessageTap;
  readonly warehouseProxy: TcpProxy;
  readonly sourceProxy: TcpProxy;
  readonly lakeProxy: LakeWriteProxy;
  readonly killPoints: KillPoints;
  readonly s3: ReturnType<typeof createAwsClients>['s3'];
  readonly publisher: ReturnType<typeof createPublisher>;
  readonly log: (text: string) => void;
}

/**
 * A soak run: embedded Postgres and fauxqs, the five services each in its own `totes serve` process behind fault
 * proxies, the planned mutations applied step by step while the planned faults fire, then a drain (replaying dead
 * letters) and `totes verify`. Resolves to the summary; never leaves a process or a server behind.
 */
export async function runSoak(
  options: SoakOptions,
  log: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
  signal?: AbortSignal,
): Promise<SoakSummary> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // An abort (Ctrl-C, a test's time limit) stops the run where it is, and the cleanups still stop every process.
    return await Promise.race([soak(options, log, cleanups), abortedBy(signal)]);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

async function soak(
  options: SoakOptions,
  log: (text: string) => void,
  cleanups: (() => Promise<unknown>)[],
): Promise<SoakSummary> {
  const started = Date.now();
  const deadline = started + options.deadlineSeconds * 1000;
  // A password of this run's own, so that any output line holding it is found, whichever process wrote it.
  const password = `soak-${crypto.randomUUID()}`;
  let leakedInSoakLog = 0;
  const scan = (text: string) => {
    if (text.includes(password)) leakedInSoakLog += 1;
    log(text);
  };
  const postgres: TestPostgres = await startTestPostgres({ password });
  cleanups.push(() => postgres.dispose());
  await postgres.ensureDatabase('totesys');
  await postgres.ensureDatabase('warehouse');
  await seedTotesys(postgres.url('totesys'), { seed: options.seed, scale: options.scale });
  const aws: LocalAws = await startLocalAws();
  cleanups.push(() => aws.stop());
  aws.createBucket(bucket);
  const postgresPort = Number(new URL(postgres.url('totesys')).port);
  const warehouseProxy = await startTcpProxy({ host: '127.0.0.1', port: postgresPort });
  cleanups.push(() => warehouseProxy.stop());
  const sourceProxy = await startTcpProxy({ host: '127.0.0.1', port: postgresPort });
  cleanups.push(() => sourceProxy.stop());
  const lakeProxy = await startLakeWriteProxy(aws.endpoint);
  cleanups.push(() => lakeProxy.stop());

  const config = loadConfig(
    {},
    {
      sourceUrl: postgres.url('totesys'),
      warehouseUrl: postgres.url('warehouse'),
      lakeUrl: `s3://${bucket}`,
      stage,
      // An inbox of its own, empty: files dropped for the local platform are not the soak's input.
      inboxUrl: join(tmpdir(), `totes-soak-inbox-${stage}`),
    },
  );
  const clients = createAwsClients({ region: config.region, endpoint: aws.endpoint });
  cleanups.push(async () => {
    clients.sqs.destroy();
    clients.sns.destroy();
    clients.s3.destroy();
  });
  const endpoints = await provisionTopology({
    sns: clients.sns,
    sqs: clients.sqs,
    stage,
    topology: platformTopology(),
    visibilityTimeoutSeconds: soakServiceSettings.visibilityTimeoutSeconds,
  });
  const tap = await startMessageTap({
    ...clients,
    endpoints,
    random: createRandom(options.seed, 'soak:tap'),
  });
  cleanups.push(() => tap.stop());
  const killPoints = await createKillPoints();
  cleanups.push(() => killPoints.dispose());
  scan('starting the five service processes');
  const services = await startServiceProcesses({
    services: Object.values(ServiceName),
    env: {
      TOTES_SOURCE_URL: throughProxy(config.sourceUrl, sourceProxy),
      TOTES_WAREHOUSE_URL: throughProxy(config.warehouseUrl, warehouseProxy),
      TOTES_LAKE_URL: config.lakeUrl,
      TOTES_STAGE: stage,
      // The watermark trails the source clock by this margin, so the drain waits for it: a short one keeps the
      // drain quick (the soak's transactions are short).
      TOTES_LATE_COMMIT_MARGIN_MS: '5000',
      // Deletes are reconciled while the faults fire, not only at the end. Not more often: every table's check
      // takes the one extractor's time from the windows, and on a busy machine 11 checks every 5 s starved them.
      TOTES_DELETE_CHECK_INTERVAL_MS: '15000',
      AWS_ENDPOINT_URL: lakeProxy.endpoint,
      [killPointVariable]: killPoints.folder,
    },
    ...soakServiceSettings,
    secrets: [password],
    onCrash: (service, exitCode, lastLine) =>
      scan(
        `${service} exited on its own (code ${exitCode}); restarting. Last line: ${lastLine.slice(0, 400)}`,
      ),
  });
  cleanups.push(() => services.stop());
  const rig: Rig = {
    services,
    tap,
    warehouseProxy,
    sourceProxy,
    lakeProxy,
    killPoints,
    s3: clients.s3,
    publisher: createPublisher(clients.sns, endpoints.topics, { stage }),
    log: scan,
  };

  const faults = planFaults({ ...options, seed: options.seed });
  const kinds = planMutations(options.seed, options.mutations);
  const tally: MutationTally = { applied: 0, skipped: 0, rowsWritten: {}, rowsDeleted: {} };
  const firing: { fault: ScheduledFault; over: Promise<void> }[] = [];
  const fired: ScheduledFault[] = [];
  const tookEffect: ScheduledFault[] = [];
  const mutator = new pg.Client({ connectionString: postgres.url('totesys') });
  await mutator.connect();
  cleanups.push(() => mutator.end());
  const perStep = Math.ceil(options.mutations / options.steps);
  scan(`applying ${options.mutations} mutations in ${options.steps} steps; ${faults.length} faults planned`);
  for (let step = 0; step < options.steps; step++) {
    const firstIndex = step * perStep;
    await applyMutations(mutator, kinds.slice(firstIndex, firstIndex + perStep), {
      seed: options.seed,
      firstIndex,
      tally,
    });
    const stepStarted = Date.now();
    for (const fault of faults.filter((planned) => planned.step === step))
      firing.push({
        fault,
        over: sleep(fault.delayMs).then(async () => {
          fired.push(fault);
          if (await injectFault(rig, fault)) tookEffect.push(fault);
        }),
      });
    await sleep(options.stepMs - (Date.now() - stepStarted));
  }
  const lastMutation = Date.now();
  await faultsOver(firing, deadline, scan);
  scan('faults over; draining');
  const source = createPool(postgres.url('totesys'), { max: 2 });
  const warehouse = createPool(postgres.url('warehouse'), { max: 2 });
  cleanups.push(() => Promise.all([source.end(), warehouse.end()]));
  const drainOptions = {
    sqs: clients.sqs,
    stage,
    source,
    warehouse,
    stateSchema: config.stateSchema,
    tap,
    publisher: rig.publisher,
    deadline,
  };
  const beforeChecks = await drainPipeline(drainOptions);
  scan(`asked ${await requestFinalDeleteChecks(rig.publisher)} final delete checks; draining again`);
  const drain = mergeDrains(beforeChecks, await drainPipeline(drainOptions));
  const drainSeconds = (Date.now() - lastMutation) / 1000;
  let verifyReport = '';
  const verdict = await runVerify({
    env: {},
    sourceUrl: postgres.url('totesys'),
    warehouseUrl: postgres.url('warehouse'),
    warehouseSchema: config.warehouseSchema,
    write: (text) => {
      verifyReport += text;
    },
  });
  if (!drain.drained) scan(services.tail(60).join('\n'));
  return {
    seed: options.seed,
    mutationsApplied: tally.applied,
    mutationsSkipped: tally.skipped,
    rowsWritten: tally.rowsWritten,
    rowsDeleted: tally.rowsDeleted,
    faultsInjected: countByKind(fired),
    faultsTookEffect: countByKind(tookEffect),
    retries: services.counters.retries,
    deferrals: services.counters.deferrals,
    crashes: services.counters.crashes,
    deadLettered: drain.deadLettered,
    replayed: drain.replayed,
    reExtracted: drain.reExtracted,
    drainSeconds,
    drained: drain.drained,
    verified: verdict === 0,
    verifyReport,
    secretLines: services.counters.secretLines + leakedInSoakLog,
    killPointExits: services.counters.killPointExits,
  };
}

function abortedBy(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const abort = () => reject(new SoakAbortedError(signal?.reason));
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
}

/** Waits for every fault to end, but not past the deadline: then names the faults still running, and goes on. */
async function faultsOver(
  firing: readonly { fault: ScheduledFault; over: Promise<void> }[],
  deadline: number,
  log: (text: string) => void,
): Promise<void> {
  const ended = new Set<ScheduledFault>();
  for (const { fault, over } of firing) void over.then(() => ended.add(fault));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
  });
  const outcome = await Promise.race([Promise.all(firing.map(({ over }) => over)), late]);
  clearTimeout(timer);
  if (outcome !== 'late') return;
  const running = firing.filter(({ fault }) => !ended.has(fault)).map(({ fault }) => describeFault(fault));
  log(`the deadline passed with ${running.length} fault(s) still running: ${running.join(', ')}`);
}

function describeFault(fault: ScheduledFault): string {
  return `${fault.kind}${fault.service ? ` ${fault.service}` : ''}`;
}

/**
 * Fires one fault and resolves when it is over (an outage ended, a killed service is serving again): to true when it
 * met the pipeline, to false when it found nothing to act on (no message to copy, no extraction to cut off, no part
 * to truncate), so the summary never counts a fault that did nothing as one that was survived.
 */
async function injectFault(rig: Rig, fault: ScheduledFault): Promise<boolean> {
  const service = fault.service ?? ServiceName.warehouseLoader;
  rig.log(`fault: ${describeFault(fault)}`);
  switch (fault.kind) {
    case FaultKind.killService:
      await rig.services.kill(service);
      return true;
    case FaultKind.holdService:
      await rig.services.hold(service, fault.durationMs);
      return true;
    case FaultKind.duplicateDelivery:
      return (await rig.tap.duplicate(fault.copies ?? 1)) > 0;
    case FaultKind.reorderDelivery:
      return (await rig.tap.reorder(fault.copies ?? 1, fault.durationMs)) > 0;
    case FaultKind.warehouseOutage:
      await rig.warehouseProxy.outage(fault.durationMs);
      return true;
    case FaultKind.sourceOutage: {
      // During an extraction: as soon as the detector has asked for one.
      const extracting = await rig.tap.nextChanged(5_000);
      await rig.sourceProxy.outage(fault.durationMs);
      return extracting;
    }
    case FaultKind.lakeUnwritable:
      await rig.lakeProxy.unwritableFor(fault.durationMs);
      return true;
    case FaultKind.truncateLakeObject: {
      const extracted = await rig.tap.nextExtracted(15_000);
      const part = extracted?.object.parts[0];
      if (!extracted || !part) return false;
      await truncateLakeObject(rig.s3, bucket, part);
      // The builders have most likely read the part already; a second delivery makes them meet the damage.
      await rig.publisher.publish('extracted', extracted);
      return true;
    }
    case FaultKind.killAfterLakeWrite:
    case FaultKind.killBeforeCommit:
    case FaultKind.killBeforeDelete:
      // The service that reaches the step kills itself, and is started again as after any crash.
      return rig.killPoints.aim(aimedKillSteps[fault.kind], fault.durationMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
