import { ConfigVariable, createLake, createPool, noSourceUrl, postgresUrl } from '@totes/runtime';
import type pg from 'pg';
import { VerifyError, VerifyErrorCode } from './errors';
import { formatReport } from './format-report';
import { rawZoneSource } from './raw-zone';
import { databaseSource, type SourceOfTruth } from './source-of-truth';
import { defaultSampleLimit } from './types';
import { verifyWarehouse } from './verify-warehouse';

/** Environment variables `totes verify` reads. */
export const VerifyVariable = {
  /** How many differences each failed check shows; 20 by default. */
  sampleLimit: 'TOTES_VERIFY_SAMPLE_LIMIT',
} as const;

/** What `totes verify` compares, and where its report goes. */
export interface RunVerifyOptions {
  /** Read for {@link VerifyVariable}; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * totesys, opened read-only; or `none` on a platform with no source database, which is then verified against
   * the raw zone of `lakeUrl`.
   */
  sourceUrl: string;
  /** The lake, read only when there is no source database. */
  lakeUrl?: string;
  /** The warehouse: opened read-only too; the verification never writes. */
  warehouseUrl: string;
  warehouseSchema: string;
  /** Where the report is written; stdout by default. */
  write?: (text: string) => void;
}

/** The exit codes of {@link runVerify}. */
export const VerifyExitCode = { ok: 0, mismatch: 1 } as const;

function sampleLimitOf(env: Readonly<Record<string, string | undefined>>): number {
  const text = env[VerifyVariable.sampleLimit]?.trim();
  if (!text) return defaultSampleLimit;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new VerifyError(
      VerifyErrorCode.invalidOption,
      `${VerifyVariable.sampleLimit} must be a whole number ≥ 0, got "${text}"`,
    );
  }
  return limit;
}

/** The source of truth the options name, and the pool to close after, if one was opened. */
function sourceOf(options: RunVerifyOptions): { truth: SourceOfTruth; pool?: pg.Pool } {
  if (options.sourceUrl !== noSourceUrl) {
    const url = postgresUrl(ConfigVariable.sourceUrl, options.sourceUrl);
    const pool = createPool(url, { readOnly: true, max: 1, applicationName: 'totes-verify' });
    return { truth: databaseSource(pool), pool };
  }
  if (!options.lakeUrl) {
    throw new VerifyError(
      VerifyErrorCode.noSource,
      `there is no source database (${ConfigVariable.sourceUrl}=none) and no lake (${ConfigVariable.lakeUrl}) to verify against`,
    );
  }
  return { truth: rawZoneSource(createLake(options.lakeUrl)) };
}

/**
 * `totes verify`: reconciles the warehouse against the source database, or against the lake's raw zone when there
 * is none, prints the report and resolves to the exit code, 0 when every check passed and 1 when anything differs.
 * Failures to verify at all (an unreachable database, an empty or unreadable raw zone, a warehouse never migrated, a
 * malformed setting) reject, with messages that never echo a password.
 */
export async function runVerify(options: RunVerifyOptions): Promise<number> {
  const env = options.env ?? process.env;
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const sampleLimit = sampleLimitOf(env);
  const warehouseUrl = postgresUrl(ConfigVariable.warehouseUrl, options.warehouseUrl);
  const source = sourceOf(options);
  const warehouse = createPool(warehouseUrl, { readOnly: true, max: 1, applicationName: 'totes-verify' });
  try {
    const report = await verifyWarehouse({
      source: source.truth,
      warehouse,
      warehouseSchema: options.warehouseSchema,
      sampleLimit,
    });
    write(`${formatReport(report)}\n`);
    return report.ok ? VerifyExitCode.ok : VerifyExitCode.mismatch;
  } finally {
    await Promise.all([source.pool?.end(), warehouse.end()]);
  }
}
