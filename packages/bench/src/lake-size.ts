import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LakeZone } from '@totes/runtime';

/** The bytes and files in one zone of the lake. */
export interface ZoneSize {
  readonly bytes: number;
  readonly files: number;
}

/** The size of the raw and processed zones of a lake in a local folder. */
export async function lakeZoneSizes(lakeDir: string): Promise<{ raw: ZoneSize; processed: ZoneSize }> {
  const [raw, processed] = await Promise.all([
    folderSize(join(lakeDir, LakeZone.raw)),
    folderSize(join(lakeDir, LakeZone.processed)),
  ]);
  return { raw, processed };
}

async function folderSize(folder: string): Promise<ZoneSize> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  let bytes = 0;
  let files = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
    files += 1;
  }
  return { bytes, files };
}
