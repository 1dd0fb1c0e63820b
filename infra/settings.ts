import { ModelError, noSourceDatabase, parseInboxPolicies } from '@totes/model';
import { InfraError, InfraErrorCode } from './errors';
import { StageKind, type StagePlan } from './stage';

/** How the detector runs on AWS. */
export const DetectMode = {
  /** One detection cycle per scheduled invocation, once a minute: a change is seen within a minute. */
  perMinute: 'per-minute',
  /** Cycles every `TOTES_DETECT_INTERVAL_MS` until just before the next invocation: seen within about a second. */
  continuous: 'continuous',
} as const;
export type DetectMode = (typeof DetectMode)[keyof typeof DetectMode];

/** What a deploy is told from outside the repository, through the environment of `sst deploy`. */
export interface DeploySettings {
  /**
   * Where the source lives, without credentials (`postgres://host:5432/totesys`): names the source in the
   * OpenLineage events. The credentials themselves stay in Secrets Manager. `none` ({@link noSourceDatabase}) on an
   * inbox-only stage.
   */
  readonly sourceLocation: string;
  /**
   * The stage has no source database (`TOTES_SOURCE_LOCATION=none`, as `TOTES_SOURCE_URL=none` locally): its inbox is
   * its only input, so no source secret is looked up or granted, and the detector lists only the inbox.
   */
  readonly inboxOnly: boolean;
  /**
   * The IAM principals (`arn:aws:iam::<account>:role/<name>`, `…:user/<name>`, `…:root`) of the other teams that
   * drop files: the inbox bucket's policy lets them put objects under `inbox/`, and nothing else.
   */
  readonly inboxWriters: readonly string[];
  /** The email addresses the stage's alerts topic sends to (each confirms a link from AWS first). */
  readonly alertEmails: readonly string[];
  /** A source table whose lag passes this many seconds, or that stops reporting it for as long, alarms. */
  readonly freshnessSlaSeconds: number;
  readonly detectMode: DetectMode;
  /** The pause between two cycles of a continuous detector. */
  readonly detectIntervalMs: number;
  /**
   * The extractor's `/tmp` (Lambda ephemeral storage), in MB: a Parquet file of the inbox is written there,
   * decompressed, before it is read, so it must hold the largest one.
   */
  readonly extractorTmpMb: number;
  /**
   * The stage's overrides of the model's inbox policies (`sales_order=skip:1%,payment=fail`), checked at deploy and
   * given to the extractor as they were written; unset, the model's policies hold.
   */
  readonly inboxPolicy?: string;
}

/** The variables `sst deploy` reads. */
export const DeployVariable = {
  sourceLocation: 'TOTES_SOURCE_LOCATION',
  alertEmails: 'TOTES_ALERT_EMAILS',
  freshnessSlaSeconds: 'TOTES_FRESHNESS_SLA_S',
  detectMode: 'TOTES_DETECT_MODE',
  detectIntervalMs: 'TOTES_DETECT_INTERVAL_MS',
  extractorTmpMb: 'TOTES_EXTRACTOR_TMP_MB',
  inboxPolicy: 'TOTES_INBOX_POLICY',
  inboxWriters: 'TOTES_INBOX_WRITERS',
} as const;

/** The 30-minute freshness SLA Terrific Totes set for the pipeline this platform replaces. */
export const defaultFreshnessSlaSeconds = 1800;
/** A continuous detector's pause between cycles, as locally. */
export const defaultDetectIntervalMs = 1000;
/** The extractor's `/tmp` unless told: room for a 4 GB Parquet file; Lambda allows 512 MB to 10 GB. */
export const defaultExtractorTmpMb = 4096;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the deploy settings of a stage. Production detects continuously unless told otherwise; every other stage
 * once a minute.
 *
 * @throws {@link InfraError} when one is missing, malformed, or holds credentials.
 */
export function deploySettings(env: Env, plan: StagePlan): DeploySettings {
  const sourceLocation = sourceLocationOf(env);
  return {
    sourceLocation,
    inboxOnly: sourceLocation === noSourceDatabase,
    inboxWriters: inboxWritersOf(env),
    alertEmails: alertEmailsOf(env),
    freshnessSlaSeconds: wholeNumberOf(env, DeployVariable.freshnessSlaSeconds, defaultFreshnessSlaSeconds, {
      min: 60,
      max: 86_400,
    }),
    detectMode: detectModeOf(env, plan),
    detectIntervalMs: wholeNumberOf(env, DeployVariable.detectIntervalMs, defaultDetectIntervalMs, {
      min: 100,
      max: 30_000,
    }),
    extractorTmpMb: wholeNumberOf(env, DeployVariable.extractorTmpMb, defaultExtractorTmpMb, {
      min: 512,
      max: 10_240,
    }),
    ...inboxPolicyOf(env),
  };
}

// Checked here, so that a typo fails the deploy rather than every extraction of the stage.
function inboxPolicyOf(env: Env): { inboxPolicy?: string } {
  const text = env[DeployVariable.inboxPolicy]?.trim();
  if (!text) return {};
  try {
    parseInboxPolicies(text);
  } catch (error) {
    if (error instanceof ModelError) throw missing(`${DeployVariable.inboxPolicy}: ${error.message}`);
    throw error;
  }
  return { inboxPolicy: text };
}

function sourceLocationOf(env: Env): string {
  const sourceLocation = env[DeployVariable.sourceLocation]?.trim();
  if (!sourceLocation) {
    throw missing(
      `${DeployVariable.sourceLocation} is not set: the source's postgres://host:port/database, without credentials, or ${noSourceDatabase} for a stage fed by its inbox alone`,
    );
  }
  if (sourceLocation.toLowerCase() === noSourceDatabase) return noSourceDatabase;
  if (!/^postgres(ql)?:\/\/[^/@]+\/[^/?#]+$/.test(sourceLocation)) {
    throw missing(
      `${DeployVariable.sourceLocation} must be postgres://host:port/database, without credentials`,
    );
  }
  return sourceLocation;
}

// An IAM role, user or account root, in any partition; no wildcard, no service, no assumed-role session.
const principalArnPattern =
  /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128})$/;

function inboxWritersOf(env: Env): string[] {
  const writers = listOf(env, DeployVariable.inboxWriters);
  const invalid = writers.find((arn) => !principalArnPattern.test(arn));
  if (invalid !== undefined) {
    throw missing(
      `${DeployVariable.inboxWriters} holds "${invalid}", not the ARN of an IAM role, user or account (arn:aws:iam::<account>:role/<name>, comma-separated)`,
    );
  }
  return writers;
}

/** A comma-separated setting's entries, trimmed, empty ones dropped, each once. */
function listOf(env: Env, variable: string): string[] {
  const entries = (env[variable] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return [...new Set(entries)];
}

function alertEmailsOf(env: Env): string[] {
  const emails = listOf(env, DeployVariable.alertEmails);
  const invalid = emails.find((email) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email));
  if (invalid !== undefined) {
    throw missing(
      `${DeployVariable.alertEmails} holds "${invalid}", not an email address (comma-separated list)`,
    );
  }
  return emails;
}

function wholeNumberOf(
  env: Env,
  variable: string,
  fallback: number,
  range: { readonly min: number; readonly max: number },
): number {
  const text = env[variable]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw missing(`${variable} must be a whole number from ${range.min} to ${range.max}, not "${text}"`);
  }
  return value;
}

function detectModeOf(env: Env, plan: StagePlan): DetectMode {
  const text = env[DeployVariable.detectMode]?.trim();
  if (!text) return plan.kind === StageKind.production ? DetectMode.continuous : DetectMode.perMinute;
  const modes: readonly string[] = Object.values(DetectMode);
  if (!modes.includes(text)) {
    throw missing(`${DeployVariable.detectMode} must be one of ${modes.join(', ')}, not "${text}"`);
  }
  return text as DetectMode;
}

function missing(message: string): InfraError {
  return new InfraError(InfraErrorCode.missingSetting, message);
}
