import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidLakeUrlError, LakeErrorCode } from './errors';
import { formatLakeUrl, parseLakeUrl } from './lake-url';

describe('parseLakeUrl', () => {
  it('reads an s3 URL into bucket and prefix without surrounding slashes', () => {
    expect(parseLakeUrl('s3://totes-lake/raw/zone/')).toEqual({
      kind: 's3',
      bucket: 'totes-lake',
      prefix: 'raw/zone',
    });
  });

  it('gives an empty prefix for a bare bucket, with or without a trailing slash', () => {
    expect(parseLakeUrl('s3://lake')).toEqual({ kind: 's3', bucket: 'lake', prefix: '' });
    expect(parseLakeUrl('s3://lake/')).toEqual({ kind: 's3', bucket: 'lake', prefix: '' });
  });

  it('reads a file URL into an absolute root', () => {
    expect(parseLakeUrl('file:///var/data/lake')).toEqual({ kind: 'local', root: '/var/data/lake' });
  });

  it('resolves a relative path against the given cwd and keeps an absolute one', () => {
    expect(parseLakeUrl('.totes/lake', '/home/me/project')).toEqual({
      kind: 'local',
      root: '/home/me/project/.totes/lake',
    });
    expect(parseLakeUrl('/srv/lake/')).toEqual({ kind: 'local', root: '/srv/lake' });
  });

  it('resolves a relative path against process.cwd() by default', () => {
    expect(parseLakeUrl('lake')).toEqual({ kind: 'local', root: resolve(process.cwd(), 'lake') });
  });

  it.each([
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['s3://', 'it names no bucket'],
    ['s3:///prefix', 'it names no bucket'],
    ['s3:/lake', 'starts with s3://'],
    ['s3://Not_A_Bucket', 'not a valid S3 bucket name'],
    ['s3://lake/a//b', 'empty, . or .. segment'],
    ['s3://lake/../x', 'empty, . or .. segment'],
    ['http://x', 'scheme http: is not supported'],
    ['file://host/lake', 'file:///absolute/path'],
    ['file:relative', 'starts with file:///'],
  ])('rejects %j: %s', (url, reason) => {
    const act = () => parseLakeUrl(url);

    expect(act).toThrow(InvalidLakeUrlError);
    expect(act).toThrow(reason);
    expect(act).toThrow('Use s3://bucket[/prefix], file:///absolute/path, or a plain folder path');
  });

  it('carries the INVALID_LAKE_URL code', () => {
    const error = captureError(() => parseLakeUrl('http://x'));

    expect(error).toBeInstanceOf(InvalidLakeUrlError);
    expect((error as InvalidLakeUrlError).code).toBe(LakeErrorCode.invalidLakeUrl);
    expect((error as InvalidLakeUrlError).name).toBe('InvalidLakeUrlError');
  });

  it('masks credentials written into a URL', () => {
    const error = captureError(() => parseLakeUrl('s3://AKIAEXAMPLE:s3cr3t@lake/raw'));

    expect(error).toBeInstanceOf(InvalidLakeUrlError);
    expect(String((error as Error).message)).not.toContain('s3cr3t');
    expect(String((error as Error).message)).not.toContain('AKIAEXAMPLE');
    expect((error as InvalidLakeUrlError).url).toBe('s3://***@lake/raw');
  });
});

describe('formatLakeUrl', () => {
  it('gives the canonical URL that parses back to the same location', () => {
    for (const url of ['s3://lake', 's3://lake/raw/zone', 'file:///srv/my%20lake']) {
      expect(formatLakeUrl(parseLakeUrl(url))).toBe(url);
    }
  });
});

function captureError(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
