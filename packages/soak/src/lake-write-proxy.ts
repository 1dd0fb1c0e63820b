import { createServer, request } from 'node:http';
import { SoakProxyError } from './errors';

/** An HTTP proxy in front of the AWS endpoint (fauxqs) that can make the S3 lake unwritable. */
export interface LakeWriteProxy {
  /** The endpoint the services use as AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  /** S3 writes refused so far. */
  readonly refused: number;
  /** Refuses every S3 write (PUT, POST to a key, DELETE) for `ms`; SNS and SQS and S3 reads pass. */
  unwritableFor(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Whether a request writes to S3: SNS and SQS are POSTs to `/`, S3 objects live at `/<bucket>/<key>` (path-style,
 * as the platform's clients address an emulator).
 */
export function isLakeWrite(method: string, path: string): boolean {
  const objectPath = path.split('?')[0] ?? '/';
  const isObject = /^\/[^/]+\/.+/.test(objectPath);
  return isObject && (method === 'PUT' || method === 'POST' || method === 'DELETE');
}

/** Starts the proxy on a free port, forwarding to `target` (an http:// endpoint). */
export async function startLakeWriteProxy(target: string): Promise<LakeWriteProxy> {
  const upstream = new URL(target);
  let unwritableUntil = 0;
  let refused = 0;
  const server = createServer((req, res) => {
    if (Date.now() < unwritableUntil && isLakeWrite(req.method ?? 'GET', req.url ?? '/')) {
      refused += 1;
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>the lake is unwritable (soak fault)</Message></Error>',
      );
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) => reject(new SoakProxyError('the lake proxy could not listen', { cause })));
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new SoakProxyError('the lake proxy has no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    get refused() {
      return refused;
    },
    async unwritableFor(ms) {
      unwritableUntil = Math.max(unwritableUntil, Date.now() + ms);
      while (Date.now() < unwritableUntil)
        await new Promise((resolve) => setTimeout(resolve, Math.min(250, ms)));
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
