import { scopedName } from '@totes/model';
import { InfraError, InfraErrorCode } from './errors';

/** The kinds of stage, each with its own data policy. */
export const StageKind = {
  /** `production`: its own source and warehouse secrets; data retained on removal; protected from `sst remove`. */
  production: 'production',
  /** `staging`: its own secrets, deployed from main; removable. */
  staging: 'staging',
  /** `pr-<number>`: one per pull request, removed when it closes. */
  preview: 'preview',
  /** Any other name (a developer's own, `sst deploy` without `--stage` uses the OS user name). */
  personal: 'personal',
} as const;
export type StageKind = (typeof StageKind)[keyof typeof StageKind];

/** Where a stage keeps its data and whose credentials it uses: decided by its name alone. */
export interface StagePlan {
  readonly stage: string;
  readonly kind: StageKind;
  /** Production keeps its buckets (and their data) when the stage is removed; every other stage removes everything. */
  readonly retainData: boolean;
  /** The stage's own warehouse schema: no two stages share one, even on a shared database. */
  readonly warehouseSchema: string;
  /** The stage's own state schema (watermarks, run and load ledgers). */
  readonly stateSchema: string;
  /** The stage's own key prefix in its lake buckets. */
  readonly lakePrefix: string;
  /**
   * The Secrets Manager secret with the read-only source credentials. Preview and personal stages share the
   * development source (`totes-dev-source`), which they can only read.
   */
  readonly sourceSecretName: string;
  /**
   * The secret with the warehouse credentials. Preview and personal stages share the development warehouse
   * database (`totes-dev-warehouse`), each in its own schemas.
   */
  readonly warehouseSecretName: string;
}

/** The stage that owns the shared development secrets. */
export const sharedDevelopmentStage = 'dev';

// The local config's rule (TOTES_STAGE in @totes/runtime): a stage name valid on AWS is valid locally, and back.
const stagePattern = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * The plan of a stage.
 *
 * @throws {@link InfraError} for a name that is not lowercase letters, digits and hyphens, starting with a letter,
 * at most 31 characters (pass `--stage`, since the default is the OS user name), or that ends in `-state`.
 */
export function stagePlan(stage: string): StagePlan {
  if (!stagePattern.test(stage)) {
    throw new InfraError(
      InfraErrorCode.invalidStage,
      `stage "${stage}" must match ${stagePattern}; pass one with --stage`,
    );
  }
  // Stage x-state's warehouse schema would be stage x's state schema, on a database that stages share.
  if (stage.endsWith('-state')) {
    throw new InfraError(
      InfraErrorCode.invalidStage,
      `stage "${stage}" may not end in "-state": its warehouse schema would be the state schema of stage "${stage.slice(0, -'-state'.length)}"`,
    );
  }
  const kind = kindOf(stage);
  const owner = kind === StageKind.production || kind === StageKind.staging ? stage : sharedDevelopmentStage;
  const schema = `totes_${stage.replaceAll('-', '_')}`;
  return {
    stage,
    kind,
    retainData: kind === StageKind.production,
    warehouseSchema: schema,
    stateSchema: `${schema}_state`,
    lakePrefix: stage,
    sourceSecretName: scopedName(owner, 'source'),
    warehouseSecretName: scopedName(owner, 'warehouse'),
  };
}

function kindOf(stage: string): StageKind {
  if (stage === StageKind.production) return StageKind.production;
  if (stage === StageKind.staging) return StageKind.staging;
  if (/^pr-\d+$/.test(stage)) return StageKind.preview;
  return StageKind.personal;
}
