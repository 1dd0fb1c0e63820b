import { runServiceProcess } from './service-process';

// The script the platform process forks, once per service: see runServiceProcess.
await runServiceProcess();
