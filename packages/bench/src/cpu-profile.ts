import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';

/** A CPU profile being taken of this process. */
export interface CpuProfiler {
  stop(): Promise<Profiler.Profile>;
}

/** Starts V8's sampling profiler on this process through the inspector, sampling every `intervalUs`. */
export async function startCpuProfiler(intervalUs = 1000): Promise<CpuProfiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      session.disconnect();
      return profile;
    },
  };
}

/** A function's share of the profiled time. */
export interface ProfiledFunction {
  /** `file:function`, the file relative to the repository (or `package/path` for a dependency). */
  readonly location: string;
  readonly file: string;
  readonly functionName: string;
  /** The line in the source file (1-based), mapped through the source map where there is one. */
  readonly line: number;
  readonly ms: number;
  /** Share of the time the process was busy (not idle). */
  readonly busyPercent: number;
}

/** Time by who owns the code: a workspace package, a dependency, Node itself, the GC. */
export interface ProfiledOwner {
  readonly owner: string;
  readonly selfMs: number;
  readonly busyPercent: number;
}

/** What a CPU profile says, small enough for the report. */
export interface ProfileSummary {
  readonly samplingIntervalUs: number;
  readonly durationMs: number;
  /** The process waited (for Postgres, timers, sockets). */
  readonly idleMs: number;
  readonly busyMs: number;
  readonly garbageCollectionMs: number;
  /** Top functions by self time. */
  readonly topSelf: readonly ProfiledFunction[];
  /** Top workspace functions by inclusive time (themselves and what they call). */
  readonly topInclusive: readonly ProfiledFunction[];
  readonly byOwner: readonly ProfiledOwner[];
}

const special = {
  idle: '(idle)',
  program: '(program)',
  gc: '(garbage collector)',
  root: '(root)',
} as const;

interface Place {
  key: string;
  file: string;
  functionName: string;
  line: number;
  owner: string;
}

/**
 * Summarises a V8 CPU profile: self time per function (the time the function itself was on top of the stack),
 * inclusive time per workspace function, and time per owner. Percentages are of the busy (non-idle) time.
 */
export function summariseCpuProfile(
  profile: Profiler.Profile,
  options: { repoRoot: string; top?: number; samplingIntervalUs?: number },
): ProfileSummary {
  const top = options.top ?? 15;
  const places = new Map<number, Place>();
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    places.set(node.id, placeOf(node.callFrame, options.repoRoot));
    for (const child of node.children ?? []) parents.set(child, node.id);
  }
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const durationUs = profile.endTime - profile.startTime;
  const meanUs = samples.length > 0 ? durationUs / samples.length : 0;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const owners = new Map<string, number>();
  let idleUs = 0;
  let gcUs = 0;
  for (let i = 0; i < samples.length; i++) {
    // A sample stands for the time until the next one.
    const us = deltas[i + 1] ?? meanUs;
    const place = places.get(samples[i] as number);
    if (!place) continue;
    if (place.functionName === special.idle) {
      idleUs += us;
      continue;
    }
    if (place.functionName === special.gc) gcUs += us;
    self.set(place.key, (self.get(place.key) ?? 0) + us);
    owners.set(place.owner, (owners.get(place.owner) ?? 0) + us);
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parents.get(id)) {
      const frame = places.get(id);
      if (!frame || seen.has(frame.key) || !frame.file.startsWith('packages/')) continue;
      seen.add(frame.key);
      inclusive.set(frame.key, (inclusive.get(frame.key) ?? 0) + us);
    }
  }
  const busyUs = Math.max(1, durationUs - idleUs);
  const byKey = new Map([...places.values()].map((place) => [place.key, place]));
  const ranked = (times: Map<string, number>): ProfiledFunction[] =>
    [...times.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => {
        const place = byKey.get(key) as Place;
        return {
          location: `${place.file}:${place.functionName}`,
          file: place.file,
          functionName: place.functionName,
          line: place.line,
          ms: round(us / 1000),
          busyPercent: round((100 * us) / busyUs),
        };
      });
  return {
    samplingIntervalUs: options.samplingIntervalUs ?? Math.round(meanUs),
    durationMs: round(durationUs / 1000),
    idleMs: round(idleUs / 1000),
    busyMs: round(busyUs / 1000),
    garbageCollectionMs: round(gcUs / 1000),
    topSelf: ranked(self),
    topInclusive: ranked(inclusive),
    byOwner: [...owners.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([owner, us]) => ({ owner, selfMs: round(us / 1000), busyPercent: round((100 * us) / busyUs) })),
  };
}

function placeOf(frame: Profiler.ProfileNode['callFrame'], repoRoot: string): Place {
  const functionName = frame.functionName || '(anonymous)';
  if (Object.values(special).includes(functionName as never) || frame.url === '') {
    const file = frame.url === '' ? '(native)' : frame.url;
    return {
      key: `${file}:${functionName}`,
      file,
      functionName,
      line: 0,
      owner: ownerOf(file, functionName),
    };
  }
  const line = sourceLine(frame);
  const file = relativeFile(frame.url, repoRoot);
  return {
    key: `${file}:${functionName}:${line}`,
    file,
    functionName,
    line,
    owner: ownerOf(file, functionName),
  };
}

/** The 1-based source line of a frame, through the module's source map when Node keeps one. */
function sourceLine(frame: Profiler.ProfileNode['callFrame']): number {
  try {
    const map = frame.url.startsWith('file:') ? findSourceMap(frame.url) : undefined;
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && 'originalLine' in entry) return entry.originalLine + 1;
  } catch {
    // No map: the generated line is the best there is.
  }
  return frame.lineNumber + 1;
}

function relativeFile(url: string, repoRoot: string): string {
  let path = url.replace(/^file:\/\//, '');
  const root = `${repoRoot.replace(/\/$/, '')}/`;
  if (path.startsWith(root)) path = path.slice(root.length);
  const dependency = /node_modules\/\.pnpm\/[^/]+\/node_modules\/(.+)$/.exec(path);
  if (dependency) return dependency[1] as string;
  const hoisted = /node_modules\/(.+)$/.exec(path);
  if (hoisted) return hoisted[1] as string;
  return path;
}

function ownerOf(file: string, functionName: string): string {
  if (file === '(native)') {
    return Object.values(special).includes(functionName as never) ? functionName : '(native code)';
  }
  if (file.startsWith('node:')) return 'node';
  if (file.startsWith('wasm:')) return '(WebAssembly: parquet-wasm)';
  const workspace = /^packages\/([^/]+)\//.exec(file);
  if (workspace) return `@totes/${workspace[1]}`;
  const scoped = /^(@[^/]+\/[^/]+)\//.exec(file);
  if (scoped) return scoped[1] as string;
  return file.split('/')[0] ?? file;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
