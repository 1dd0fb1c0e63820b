import { runVerify, VerifyError } from '@totes/verify';
import { openEnvironment } from '../stack';

/**
 * `totes verify`: reconciles the warehouse against the source, on the embedded stack or the URLs in env. Exit 0
 * when they agree, 1 with a readable diff when they do not, 2 when the comparison could not run.
 */
export async function verify(options: { seed: number; scale: number }): Promise<number> {
  const environment = await openEnvironment({ ...options, seedIfEmpty: false });
  try {
    return await runVerify({
      env: process.env,
      sourceUrl: environment.config.sourceUrl,
      warehouseUrl: environment.config.warehouseUrl,
      warehouseSchema: environment.config.warehouseSchema,
    });
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    process.stderr.write(`totes verify could not compare: ${error.message}\n`);
    return 2;
  } finally {
    await environment.stack.stop();
  }
}
