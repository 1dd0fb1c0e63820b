import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidLakeUrlError } from './errors';

/** Where a lake lives: an S3 bucket (and key prefix), or a local folder. */
export type LakeLocation =
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** Key prefix without leading or trailing `/`; `''` for the bucket root. */
      readonly prefix: string;
    }
  | {
      readonly kind: 'local';
      /** An absolute folder path. */
      readonly root: string;
    };

// AWS bucket naming rules: 3–63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric.
const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const schemePattern = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * Parses a lake URL: `s3://bucket[/prefix]`, `file:///absolute/path`, or a plain path (absolute, or relative
 * to `cwd`).
 *
 * @throws {@link InvalidLakeUrlError} for anything else: empty, `s3://` without a bucket, another scheme…
 */
export function parseLakeUrl(url: string, cwd: string = process.cwd()): LakeLocation {
  if (url.trim() === '') throw new InvalidLakeUrlError(url, 'it is empty');
  const scheme = schemePattern.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', root: resolve(cwd, url) };
  if (scheme === 's3') return parseS3Url(url);
  if (scheme === 'file') return { kind: 'local', root: parseFileUrl(url) };
  throw new InvalidLakeUrlError(redact(url), `scheme ${scheme}: is not supported`);
}

/** The canonical URL of a location: `s3://bucket/prefix` or `file:///root`. */
export function formatLakeUrl(location: LakeLocation): string {
  if (location.kind === 'local') return pathToFileURL(location.root).href;
  return location.prefix === '' ? `s3://${location.bucket}` : `s3://${location.bucket}/${location.prefix}`;
}

function parseS3Url(url: string): LakeLocation {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/i.exec(url);
  if (!match) throw new InvalidLakeUrlError(redact(url), 'an S3 URL starts with s3:// and a bucket name');
  const bucket = match[1] ?? '';
  if (bucket === '') throw new InvalidLakeUrlError(url, 'it names no bucket');
  if (bucket.includes('@'))
    throw new InvalidLakeUrlError(redact(url), 'credentials do not belong in a lake URL');
  if (!bucketPattern.test(bucket) || bucket.includes('..')) {
    throw new InvalidLakeUrlError(url, `${JSON.stringify(bucket)} is not a valid S3 bucket name`);
  }
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (/[?#]/.test(prefix))
    throw new InvalidLakeUrlError(url, 'query strings and fragments are not supported');
  if (
    prefix !== '' &&
    prefix.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new InvalidLakeUrlError(url, 'the prefix has an empty, . or .. segment');
  }
  return { kind: 's3', bucket, prefix };
}

function parseFileUrl(url: string): string {
  if (!/^file:\/\//i.test(url)) throw new InvalidLakeUrlError(redact(url), 'a file URL starts with file:///');
  try {
    return resolve(fileURLToPath(url));
  } catch (cause) {
    // e.g. file://host/path: Node only accepts an empty host or localhost.
    throw new InvalidLakeUrlError(redact(url), 'a file URL must be file:///absolute/path', { cause });
  }
}

// Masks user info (`scheme://user:secret@host`) so a mistyped URL never leaks a secret into logs.
function redact(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@]*@/, '$1***@');
}
