import { loadConfig } from '@totes/runtime';
import { runVerify, VerifyError } from '@totes/verify';
import { readPlatformFile } from '../ops/platform-file';
import { openEnvironment, stateDirOf } from '../stack';

/**
 * `totes verify`: reconciles the warehouse against the source database, or the lake's raw zone on a platform with
 * none (`TOTES_SOURCE_URL=none`), on the embedded stack or the URLs in env. Exit 0 when they agree, 1 with a readable diff when they do not, 2 when the comparison could not run. While `pnpm start`
 * runs here, it compares the databases that platform uses instead of booting the stack a second time.
 */
export async function verify(options: { seed: number; scale: number }): Promise<number> {
  const running = await readPlatformFile(stateDirOf());
  if (running) {
    const config = loadConfig(process.env, {
      sourceUrl: running.sourceUrl,
      warehouseUrl: running.warehouseUrl,
      lakeUrl: running.lakeUrl,
    });
    return compare(config);
  }
  const environment = await openEnvironment({ ...options, seedIfEmpty: false });
  try {
    return await compare(environment.config);
  } finally {
    await environment.stack.stop();
  }
}

async function compare(config: {
  sourceUrl: string;
  lakeUrl: string;
  warehouseUrl: string;
  warehouseSchema: string;
}): Promise<number> {
  try {
    return await runVerify({ env: process.env, ...config });
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    process.stderr.write(`totes verify could not compare: ${error.message}\n`);
    return 2;
  }
}
