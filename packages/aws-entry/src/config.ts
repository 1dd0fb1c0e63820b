import { type InboxPolicy, TopicName } from '@totes/model';
import {
  defaultDeleteCheckIntervalMs,
  defaultLoadParallelism,
  InvalidConfigError,
  inboxPolicies,
  noSourceUrl,
  postgresUrl,
} from '@totes/runtime';
import { DetectMode, LambdaVariable, topicVariable } from './contract';
import { NotGrantedError } from './errors';

/** What a Lambda entry is given through env: names, URLs and ARNs only, never a credential. */
export interface LambdaConfig {
  readonly stage: string;
  readonly warehouseSchema: string;
  readonly stateSchema: string;
  readonly lateCommitMarginMs: number;
  /** The delete-check cadence; 0 turns it off. */
  readonly deleteCheckIntervalMs: number;
  /** How the scheduled detector runs; `per-minute` unless `TOTES_DETECT_MODE` says otherwise. */
  readonly detectMode: DetectMode;
  /** In `continuous` mode, how often a detection cycle starts; 1000 ms unless `TOTES_DETECT_INTERVAL_MS` says. */
  readonly detectIntervalMs: number;
  /** The loader's transactions per large dataset; 2 unless `TOTES_LOAD_PARALLELISM` says otherwise. */
  readonly loadParallelism: number;
  readonly region: string;
  /** `s3://…` of the raw zone, when this function reads or writes it. */
  readonly rawLakeUrl?: string;
  /** `s3://…` of the processed zone, when this function reads or writes it. */
  readonly processedLakeUrl?: string;
  /** `s3://…` of the inbox, when this function lists it or reads its files. */
  readonly inboxUrl?: string;
  /** Per-table overrides of the model's inbox policies (`TOTES_INBOX_POLICY`); empty unless set. */
  readonly inboxPolicies: Readonly<Record<string, InboxPolicy>>;
  /**
   * Where the source lives, without credentials, for lineage events; `none` ({@link noSourceUrl}) on an inbox-only
   * stage, which the lineage names as the local platform's `TOTES_SOURCE_URL=none` is named.
   */
  readonly sourceLocation?: string;
  /**
   * The stage has no source database (`TOTES_SOURCE_LOCATION=none`): the inbox is its only input, so the detector
   * lists no table and nothing opens the source. False for a function not told where the source is (the builders).
   */
  readonly inboxOnly: boolean;
  /** The source credentials' secret, when this function reads the source. */
  readonly sourceSecretArn?: string;
  /** The warehouse credentials' secret, when this function touches the warehouse or the platform's state. */
  readonly warehouseSecretArn?: string;
  /** The ARNs of the topics this function publishes to; no others. */
  readonly topics: Readonly<Partial<Record<TopicName, string>>>;
}

type Env = Readonly<Record<string, string | undefined>>;

// The same rules as the local config (`loadConfig` in @totes/runtime), so a stage valid locally is valid here.
const stagePattern = /^[a-z][a-z0-9-]{0,30}$/;
const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads a Lambda entry's config from env. Stage and schemas are required: a function never falls back to another
 * stage's data. What a function was not given stays unset and is refused with a {@link NotGrantedError} when used.
 *
 * @throws {@link InvalidConfigError} naming the variable when a value is missing or malformed.
 */
export function loadLambdaConfig(env: Env): LambdaConfig {
  const optional = (name: string) => env[name]?.trim() || undefined;
  const required = (name: string, pattern: RegExp) => {
    const value = optional(name);
    if (!value) throw new InvalidConfigError(`${name} is not set`);
    if (!pattern.test(value)) throw new InvalidConfigError(`${name} must match ${pattern}, got "${value}"`);
    return value;
  };
  const positive = (name: string, fallback: number) => {
    const value = optional(name) ?? String(fallback);
    if (!/^[1-9]\d*$/.test(value))
      throw new InvalidConfigError(`${name} must be a positive integer, got "${value}"`);
    return Number(value);
  };
  const deleteCheck = optional(LambdaVariable.deleteCheckIntervalMs) ?? String(defaultDeleteCheckIntervalMs);
  if (!/^\d+$/.test(deleteCheck)) {
    throw new InvalidConfigError(
      `${LambdaVariable.deleteCheckIntervalMs} must be an integer of 0 or more, got "${deleteCheck}"`,
    );
  }
  const detectMode = optional(LambdaVariable.detectMode) ?? DetectMode.perMinute;
  if (!Object.values<string>(DetectMode).includes(detectMode)) {
    throw new InvalidConfigError(
      `${LambdaVariable.detectMode} must be one of ${Object.values(DetectMode).join(', ')}, got "${detectMode}"`,
    );
  }
  const sourceLocation = location(optional(LambdaVariable.sourceLocation));
  const inboxOnly = sourceLocation === noSourceUrl;
  const sourceSecretArn = optional(LambdaVariable.sourceSecretArn);
  // A wiring mistake said at once, rather than a source opened on a stage that says it has none.
  if (inboxOnly && sourceSecretArn !== undefined) {
    throw new InvalidConfigError(
      `${LambdaVariable.sourceSecretArn} is set, but ${LambdaVariable.sourceLocation}=${noSourceUrl} says the stage has no source database`,
    );
  }
  const topics: Partial<Record<TopicName, string>> = {};
  for (const topic of Object.values(TopicName)) {
    const arn = optional(topicVariable(topic));
    if (arn) topics[topic] = arn;
  }
  return {
    stage: required(LambdaVariable.stage, stagePattern),
    warehouseSchema: required(LambdaVariable.warehouseSchema, schemaPattern),
    stateSchema: required(LambdaVariable.stateSchema, schemaPattern),
    lateCommitMarginMs: positive(LambdaVariable.lateCommitMarginMs, 60_000),
    deleteCheckIntervalMs: Number(deleteCheck),
    detectMode: detectMode as DetectMode,
    detectIntervalMs: positive(LambdaVariable.detectIntervalMs, 1000),
    loadParallelism: positive(LambdaVariable.loadParallelism, defaultLoadParallelism),
    region: optional('AWS_REGION') ?? optional('AWS_DEFAULT_REGION') ?? 'us-east-1',
    rawLakeUrl: optional(LambdaVariable.rawLakeUrl),
    processedLakeUrl: optional(LambdaVariable.processedLakeUrl),
    inboxUrl: inbox(optional(LambdaVariable.inboxUrl)),
    inboxPolicies: inboxPolicies(optional(LambdaVariable.inboxPolicies)),
    sourceLocation,
    inboxOnly,
    sourceSecretArn,
    warehouseSecretArn: optional(LambdaVariable.warehouseSecretArn),
    topics,
  };
}

// A function's disk is its own and gone with it: on Lambda the inbox can only be S3.
function inbox(value: string | undefined): string | undefined {
  if (value !== undefined && !/^s3:\/\/[^/]+/.test(value)) {
    throw new InvalidConfigError(`${LambdaVariable.inboxUrl} must be s3://bucket/prefix, got "${value}"`);
  }
  return value;
}

function location(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.toLowerCase() === noSourceUrl) return noSourceUrl;
  const url = postgresUrl(LambdaVariable.sourceLocation, value);
  if (new URL(url).username || new URL(url).password) {
    throw new InvalidConfigError(`${LambdaVariable.sourceLocation} must not hold credentials`);
  }
  return url;
}

/**
 * Checks that a function that detects or extracts was given the inbox when the stage is inbox-only: there it is the
 * only input, and a detector without it would find nothing, forever, and say nothing.
 *
 * @throws {@link InvalidConfigError} naming both variables.
 */
export function checkInboxOnly(config: Pick<LambdaConfig, 'inboxOnly' | 'inboxUrl'>): void {
  if (config.inboxOnly && config.inboxUrl === undefined) {
    throw new InvalidConfigError(
      `${LambdaVariable.sourceLocation}=${noSourceUrl}: the stage reads its inbox alone, but ${LambdaVariable.inboxUrl} is not set`,
    );
  }
}

/** The value of an optional setting that this function needs now, or a {@link NotGrantedError} naming it. */
export function granted<T>(value: T | undefined, what: string, variable: string): T {
  if (value === undefined) throw new NotGrantedError(what, variable);
  return value;
}
