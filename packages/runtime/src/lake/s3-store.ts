import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { awsRetryConfig } from '../aws-clients';
import { LakeObjectNotFoundError, LakeReadFailedError, LakeWriteFailedError } from './errors';
import { assertLakeKey, assertLakePrefix, compareKeys, type LakeStore } from './lake-store';
import { formatLakeUrl } from './lake-url';

/** Where an S3 lake lives and how to reach it. */
export interface S3StoreOptions {
  readonly bucket: string;
  /** Key prefix without leading or trailing `/`; `''` for the bucket root. */
  readonly prefix: string;
  /** Defaults to one client from the environment (region, credentials, `AWS_ENDPOINT_URL_S3`). */
  readonly client?: S3Client;
  /** Keys per ListObjectsV2 page; S3 caps it at 1000 (the default). */
  readonly listPageSize?: number;
}

/**
 * A lake in an S3 bucket: each key is an object under the prefix. A PutObject replaces the object whole, so a
 * reader never sees half of it.
 */
export function createS3Store(options: S3StoreOptions): LakeStore {
  const { bucket, prefix } = options;
  const client = options.client ?? new S3Client(awsRetryConfig);
  const lake = formatLakeUrl({ kind: 's3', bucket, prefix });
  const objectKey = (key: string) => (prefix === '' ? key : `${prefix}/${key}`);
  const lakeKey = (key: string) => (prefix === '' ? key : key.slice(prefix.length + 1));

  const exists = async (key: string): Promise<boolean> => {
    assertLakeKey(key, lake);
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
      return true;
    } catch (cause) {
      // HEAD responses have no body, so a missing object is only a bare 404.
      if (errorName(cause) === 'NotFound' || httpStatus(cause) === 404) return false;
      throw new LakeReadFailedError(key, lake, { cause });
    }
  };

  return {
    describe: () => lake,

    async put(key, bytes) {
      assertLakeKey(key, lake);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey(key), Body: bytes }));
      } catch (cause) {
        throw new LakeWriteFailedError(key, lake, { cause });
      }
    },

    async putIfAbsent(key, bytes) {
      // S3 honours If-None-Match on PutObject; the HEAD first also keeps an emulator that ignores it from overwriting.
      if (await exists(key)) return false;
      try {
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: objectKey(key), Body: bytes, IfNoneMatch: '*' }),
        );
        return true;
      } catch (cause) {
        // 412: the object exists; 409: a concurrent conditional write to the key is in progress, and one wins.
        if (httpStatus(cause) === 412 || httpStatus(cause) === 409) return false;
        throw new LakeWriteFailedError(key, lake, { cause });
      }
    },

    async get(key) {
      assertLakeKey(key, lake);
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        if (response.Body === undefined) return new Uint8Array(0);
        return await response.Body.transformToByteArray();
      } catch (cause) {
        // Only NoSuchKey means "no object": NoSuchBucket is a misconfigured lake and must not look like one.
        if (errorName(cause) === 'NoSuchKey') throw new LakeObjectNotFoundError(key, lake, { cause });
        throw new LakeReadFailedError(key, lake, { cause });
      }
    },

    exists,

    async list(listPrefix) {
      assertLakePrefix(listPrefix, lake);
      const keys: string[] = [];
      try {
        const pages = paginateListObjectsV2(
          { client, pageSize: options.listPageSize ?? 1000 },
          { Bucket: bucket, Prefix: prefix === '' ? listPrefix : `${prefix}/${listPrefix}` },
        );
        for await (const page of pages) {
          for (const object of page.Contents ?? [])
            if (object.Key !== undefined) keys.push(lakeKey(object.Key));
        }
      } catch (cause) {
        throw new LakeReadFailedError(listPrefix, lake, { cause });
      }
      return keys.sort(compareKeys);
    },

    async delete(key) {
      assertLakeKey(key, lake);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
      } catch (cause) {
        throw new LakeWriteFailedError(key, lake, { cause, action: 'delete' });
      }
    },
  };
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}
