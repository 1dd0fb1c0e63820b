// `npm start`: installs what is missing, then runs `totes start` in this same process, so Ctrl-C reaches the
// platform directly: no wrapper process stands between the terminal and the platform's drain.
import { ensureInstalled } from './setup.mjs';

ensureInstalled();
// Imported only now: tsx is one of the dependencies the line above may have just installed.
const { register } = await import('tsx/esm/api');
register();
process.argv.splice(2, 0, 'start');
await import('../packages/cli/src/bin.ts');
