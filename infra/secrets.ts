import type { DeploySettings } from './settings';
import type { StagePlan } from './stage';

/** The database credentials a stage uses, held in Secrets Manager and never in env or code. */
export interface DatabaseSecrets {
  /** Read-only credentials on totesys; none on an inbox-only stage, which has no source. */
  readonly source?: { readonly arn: $util.Output<string> };
  /** Credentials on the warehouse database, which also holds the platform's state schema. */
  readonly warehouse: { readonly arn: $util.Output<string> };
}

/**
 * Looks up the stage's secrets. They are created once, outside any stage (`docs/deploy.md`, "Bootstrap"), so
 * removing a stage never removes credentials, and a missing secret fails the deploy before anything changes.
 * Functions get a secret's ARN and `secretsmanager:GetSecretValue` on it alone. An inbox-only stage
 * (`TOTES_SOURCE_LOCATION=none`) looks up no source secret: it need not exist.
 */
export function databaseSecrets(
  plan: StagePlan,
  settings: Pick<DeploySettings, 'inboxOnly'>,
): DatabaseSecrets {
  return {
    ...(settings.inboxOnly
      ? {}
      : { source: aws.secretsmanager.getSecretOutput({ name: plan.sourceSecretName }) }),
    warehouse: aws.secretsmanager.getSecretOutput({ name: plan.warehouseSecretName }),
  };
}
