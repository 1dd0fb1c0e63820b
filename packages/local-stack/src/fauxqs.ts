import { startFauxqs } from 'fauxqs';

/** A running in-process SNS, SQS and S3 emulator. */
export interface LocalAws {
  /** The endpoint the AWS SDK clients talk to. */
  readonly endpoint: string;
  createBucket(name: string): void;
  stop(): Promise<void>;
}

/** Starts fauxqs in this process on a free port (or the given one). */
export async function startLocalAws(options: { port?: number } = {}): Promise<LocalAws> {
  const server = await startFauxqs({ port: options.port ?? 0, logger: false });
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    createBucket: (name) => {
      server.createBucket(name);
    },
    stop: () => server.stop(),
  };
}
