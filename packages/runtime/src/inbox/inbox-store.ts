import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { InboxFile } from '@totes/contracts';
import { awsRetryConfig } from '../aws-clients';
import { InboxFileVersionError } from '../errors';
import { formatLakeUrl, parseLakeUrl } from '../lake/index';

/** The inbox's files, wherever they are: a local folder or an S3 prefix. Keys are relative to its root. */
export interface InboxStore {
  /** Every file under the root, with its version and size; hidden files (`.name`, a copy in progress) are left out. */
  list(): Promise<InboxFile[]>;
  /**
   * The file's bytes as a stream, read as they are needed: from `start` to before `end` when given (a ranged GET on S3), and
   * only while the file is still `version` when given (else an {@link InboxFileVersionError}).
   */
  read(key: string, options?: ReadOptions): Promise<Readable>;
  /** Copies a local file into the inbox at `key`, whole: a listing never sees half of it. */
  putFile(key: string, path: string): Promise<void>;
  describe(): string;
}

/** Where to start (and end, exclusive) reading a file, and the version it must still be. */
export interface ReadOptions {
  readonly start?: number;
  readonly end?: number;
  readonly version?: string;
}

/**
 * Opens the inbox that `url` names: `s3://bucket/prefix`, `file:///path` or a folder. An S3 inbox uses `s3Client`,
 * or one from the environment.
 */
export function createInboxStore(url: string, options: { s3Client?: S3Client } = {}): InboxStore {
  const location = parseLakeUrl(url);
  if (location.kind === 'local') return localInbox(location.root);
  return s3Inbox(location.bucket, location.prefix, options.s3Client ?? new S3Client(awsRetryConfig));
}

function localInbox(root: string): InboxStore {
  return {
    describe: () => formatLakeUrl({ kind: 'local', root }),
    async list() {
      const files: InboxFile[] = [];
      for (const path of await walk(root)) {
        const found = await stat(path).catch(() => undefined);
        // A file removed between the listing and its stat is simply not there this time.
        if (!found?.isFile()) continue;
        files.push({
          key: relative(root, path).split(sep).join('/'),
          version: localVersion(found),
          bytes: found.size,
        });
      }
      return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async read(key, options = {}) {
      const path = join(root, ...key.split('/'));
      if (options.version !== undefined) {
        const found = await stat(path);
        if (localVersion(found) !== options.version) throw new InboxFileVersionError(key);
      }
      return createReadStream(path, {
        start: options.start ?? 0,
        ...(options.end === undefined ? {} : { end: options.end - 1 }),
      });
    },
    async putFile(key, path) {
      const target = join(root, ...key.split('/'));
      const temp = join(dirname(target), `.${crypto.randomUUID()}.tmp`);
      await mkdir(dirname(target), { recursive: true });
      try {
        await copyFile(path, temp);
        await rename(temp, target);
      } finally {
        await rm(temp, { force: true });
      }
    },
  };
}

/** A local file's version: its size and modification time. */
function localVersion(found: { size: number; mtimeMs: number }): string {
  return `${found.size}-${Math.trunc(found.mtimeMs)}`;
}

/** Every file path under a folder, hidden entries left out; a missing folder holds nothing. */
async function walk(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: { code?: string }) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const paths: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) paths.push(...(await walk(path)));
    else if (entry.isFile()) paths.push(path);
  }
  return paths;
}

function s3Inbox(bucket: string, prefix: string, client: S3Client): InboxStore {
  const objectKey = (key: string) => (prefix === '' ? key : `${prefix}/${key}`);
  const inboxKey = (key: string) => (prefix === '' ? key : key.slice(prefix.length + 1));
  return {
    describe: () => formatLakeUrl({ kind: 's3', bucket, prefix }),
    async list() {
      const files: InboxFile[] = [];
      const pages = paginateListObjectsV2(
        { client },
        { Bucket: bucket, ...(prefix === '' ? {} : { Prefix: `${prefix}/` }) },
      );
      for await (const page of pages)
        for (const object of page.Contents ?? []) {
          if (!object.Key || object.Key.endsWith('/')) continue;
          const key = inboxKey(object.Key);
          if (key.split('/').some((segment) => segment.startsWith('.'))) continue;
          files.push({ key, version: object.ETag ?? String(object.LastModified), bytes: object.Size ?? 0 });
        }
      return files;
    },
    async read(key, options = {}) {
      try {
        const response = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: objectKey(key),
            ...(options.start || options.end !== undefined
              ? { Range: `bytes=${options.start ?? 0}-${options.end === undefined ? '' : options.end - 1}` }
              : {}),
            ...(options.version !== undefined ? { IfMatch: options.version } : {}),
          }),
        );
        return response.Body as Readable;
      } catch (error) {
        if ((error as { name?: string }).name === 'PreconditionFailed') throw new InboxFileVersionError(key);
        throw error;
      }
    },
    async putFile(key, path) {
      // A multipart upload streams the file: an object of any size, never whole in memory.
      await new Upload({
        client,
        params: { Bucket: bucket, Key: objectKey(key), Body: createReadStream(path) },
      }).done();
    },
  };
}
