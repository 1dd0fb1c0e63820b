import type { Writable } from 'node:stream';

/**
 * Keeps the process going when the reader of its standard output or error goes away. Under
 * `pnpm start 2>&1 | tee start.log`, Ctrl-C ends `tee` as well as the platform; the platform's next line then fails
 * with EPIPE, and a stream error nobody listens to kills the process before it has drained its queues and stopped
 * PostgreSQL. Each stream gets a listener that stays for the life of the process (a closed pipe may report more
 * than once); Node destroys a stream that failed, and drops what is written to it after, so the lines nobody can
 * read any more are lost and nothing else is.
 */
export function tolerateClosedOutput(streams: readonly Writable[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) stream.on('error', ignore);
}

// The reader is gone: there is no one left to tell.
function ignore(): void {}
