import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Cuts a lake object to half its bytes, in place, as a crashed or partial upload would leave it. Returns the bytes
 * kept. Talks to the store directly, past the services' fault proxy.
 */
export async function truncateLakeObject(s3: S3Client, bucket: string, key: string): Promise<number> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array(0);
  const kept = bytes.subarray(0, Math.floor(bytes.byteLength / 2));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: kept }));
  return kept.byteLength;
}
