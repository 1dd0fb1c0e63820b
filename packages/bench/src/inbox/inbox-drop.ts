import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Platform, waitForDrain } from '@totes/cli';
import type { ModelLoaded, TableExtracted } from '@totes/contracts';
import { createInboxLedger, createPool, InboxFileState, type PlatformConfig } from '@totes/runtime';
import { BenchError, BenchErrorCode } from '../errors';
import type { LoadMeter, ProcessUsage } from '../service-fleet';
import { type LogRecorder, type Stage, type StageTiming, stageTimings } from '../stage-timings';

/** Files dropped into the inbox at once: moved in from a staging folder on the same disk (a rename each). */
export interface InboxDrop {
  readonly name: string;
  /** Each file's staged path, and its key in the inbox (`<table>/<name>`). */
  readonly files: readonly { readonly staged: string; readonly key: string }[];
}

/** One drop, from the first rename to the last event of the work it caused. */
export interface InboxDropResult {
  readonly name: string;
  readonly files: number;
  /** From the first rename into the inbox to the last extraction or load it caused. */
  readonly wallMs: number;
  /** The renames alone, within {@link InboxDropResult.wallMs}. */
  readonly dropMs: number;
  readonly rowsExtracted: number;
  readonly rowsLoaded: number;
  /** The models loaded, each once, sorted. */
  readonly models: readonly string[];
  /** Per stage, from the workers' `handled` lines of the detection's run (busy time and span). */
  readonly stages: Readonly<Record<Stage, StageTiming>>;
  /** Messages put back to wait (a fact load waiting for dimension rows), and the first few reasons. */
  readonly deferrals: number;
  readonly deferralReasons: readonly string[];
  /** Messages that failed once and were retried by the queue. */
  readonly retries: number;
  /** Every process over the drop: each service process, then the local stack. */
  readonly processes: readonly ProcessUsage[];
}

/** What {@link measureInboxDrops} drives and watches, in the platform process. */
export interface InboxDropProbes {
  readonly platform: Platform;
  readonly meter: LoadMeter;
  readonly config: PlatformConfig;
  /** Every extraction and load event, in order, as the service processes forward them. */
  readonly extracted: readonly TableExtracted[];
  readonly loaded: readonly ModelLoaded[];
  readonly recorder: LogRecorder;
  readonly repoRoot: string;
  readonly timeoutMs: number;
}

/**
 * Drops each set of files in turn into the inbox and times it to the warehouse: the files are renamed in, one
 * detection cycle lists them, and the queues are waited on until they drain. The time ends at the last extraction
 * or load event the drop caused. Fails when a file of the drop is not loaded (quarantined, or never read).
 */
export async function measureInboxDrops(
  drops: readonly InboxDrop[],
  probes: InboxDropProbes,
): Promise<InboxDropResult[]> {
  const results: InboxDropResult[] = [];
  for (const drop of drops) results.push(await measureDrop(drop, probes));
  return results;
}

async function measureDrop(drop: InboxDrop, probes: InboxDropProbes): Promise<InboxDropResult> {
  const { platform, meter, config } = probes;
  const folders = new Set(drop.files.map((file) => dirname(join(config.inboxUrl, file.key))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  const extractedBefore = probes.extracted.length;
  const loadedBefore = probes.loaded.length;
  let lastEventAt = 0;
  let lastCount = extractedBefore + loadedBefore;
  // The events arrive over IPC; a fine poll stamps the last one the drop caused.
  const watch = setInterval(() => {
    if (probes.extracted.length + probes.loaded.length > lastCount) {
      lastCount = probes.extracted.length + probes.loaded.length;
      lastEventAt = performance.now();
    }
  }, 10);
  const { deferrals, retries } = probes.recorder;
  const reasonsBefore = probes.recorder.deferralReasons.length;
  await meter.start({ profile: false });
  const startedAt = Date.now();
  const started = performance.now();
  try {
    for (const file of drop.files) await rename(file.staged, join(config.inboxUrl, file.key));
    const dropMs = performance.now() - started;
    const detection = await platform.detectOnce();
    const detectMs = performance.now() - started - dropMs;
    await waitForDrain(platform, { timeoutMs: probes.timeoutMs, pollMs: 50 });
    const wallMs = Math.max(lastEventAt, started + dropMs) - started;
    const { processes } = await meter.stop({ rawProfilePath: null, repoRoot: probes.repoRoot });
    await checkLoaded(drop, config);
    const extracted = probes.extracted.slice(extractedBefore);
    const loaded = probes.loaded.slice(loadedBefore);
    return {
      name: drop.name,
      files: drop.files.length,
      wallMs,
      dropMs,
      rowsExtracted: extracted.reduce((sum, event) => sum + event.object.rows, 0),
      rowsLoaded: loaded.reduce((sum, event) => sum + event.rows.written, 0),
      models: [...new Set(loaded.map((event) => event.model))].sort(),
      stages: stageTimings(probes.recorder.handledOf(detection.runId), startedAt, detectMs),
      deferrals: probes.recorder.deferrals - deferrals,
      deferralReasons: probes.recorder.deferralReasons.slice(reasonsBefore),
      retries: probes.recorder.retries - retries,
      processes,
    };
  } finally {
    clearInterval(watch);
  }
}

/** Fails unless every file of the drop is in the ledger as loaded. */
async function checkLoaded(drop: InboxDrop, config: PlatformConfig): Promise<void> {
  const pool = createPool(config.warehouseUrl, { max: 1, applicationName: 'totes-bench' });
  try {
    const entries = await createInboxLedger(pool, config.stateSchema).list();
    const byKey = new Map(entries.map((entry) => [entry.key, entry]));
    const notLoaded = drop.files
      .map((file) => byKey.get(file.key) ?? { key: file.key, state: 'never listed', reason: null })
      .filter((entry) => entry.state !== InboxFileState.loaded);
    if (notLoaded.length > 0) {
      const first = notLoaded[0];
      throw new BenchError(
        BenchErrorCode.loadFailed,
        `${notLoaded.length} file(s) of the drop "${drop.name}" were not loaded; first: ${first?.key} ` +
          `${first?.state}${first?.reason ? `: ${first.reason}` : ''}`,
      );
    }
  } finally {
    await pool.end();
  }
}
