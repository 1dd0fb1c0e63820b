import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { tolerateClosedOutput } from './closed-output';

describe('tolerateClosedOutput', () => {
  it('drops what is written to a stream whose reader has gone, instead of failing the process', async () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    const stream = new Writable({ write: (_chunk, _encoding, done) => done(epipe) });
    tolerateClosedOutput([stream]);

    stream.write('stopping: detection off, draining the queues…\n');
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('stopped.\n');
    await new Promise((resolve) => setImmediate(resolve));

    expect(stream.destroyed).toBe(true);
  });
});
