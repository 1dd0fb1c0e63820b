/** The peaks of this process' memory over a sampled stretch. */
export interface MemoryPeaks {
  /** The highest resident set size sampled. */
  readonly peakRssBytes: number;
  /** The kernel's high-water mark of the resident set since the process started (`resourceUsage().maxRSS`). */
  readonly maxRssBytes: number;
  /** The highest V8 heap in use sampled. */
  readonly peakHeapUsedBytes: number;
  /** The highest memory outside the V8 heap sampled: Buffers, ArrayBuffers and WebAssembly memories. */
  readonly peakExternalBytes: number;
  /** The resident set when sampling started. */
  readonly startRssBytes: number;
  readonly samples: number;
}

/** A running sampler. */
export interface MemorySampler {
  /** The peaks so far; sampling goes on. */
  peaks(): MemoryPeaks;
  /** Starts over from now, keeping the sampling going. */
  reset(): void;
  stop(): MemoryPeaks;
}

/** Samples `process.memoryUsage()` every `intervalMs` (100 ms by default) until stopped. */
export function startMemorySampler(intervalMs = 100): MemorySampler {
  let peaks = fresh();
  const sample = () => {
    const usage = process.memoryUsage();
    peaks = {
      ...peaks,
      peakRssBytes: Math.max(peaks.peakRssBytes, usage.rss),
      peakHeapUsedBytes: Math.max(peaks.peakHeapUsedBytes, usage.heapUsed),
      peakExternalBytes: Math.max(peaks.peakExternalBytes, usage.external),
      samples: peaks.samples + 1,
    };
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  const current = () => ({ ...peaks, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
  return {
    peaks: () => {
      sample();
      return current();
    },
    reset: () => {
      peaks = fresh();
      sample();
    },
    stop: () => {
      clearInterval(timer);
      sample();
      return current();
    },
  };
}

function fresh(): MemoryPeaks {
  const rss = process.memoryUsage.rss();
  return {
    peakRssBytes: rss,
    maxRssBytes: 0,
    peakHeapUsedBytes: 0,
    peakExternalBytes: 0,
    startRssBytes: rss,
    samples: 0,
  };
}
