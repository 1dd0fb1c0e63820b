import { runPlatformProcess } from './platform-process';

// The script the benchmark forks: see runPlatformProcess.
await runPlatformProcess();
