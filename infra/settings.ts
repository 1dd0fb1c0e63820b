import { InfraError, InfraErrorCode } from './errors';

/** What a deploy is told from outside the repository, through the environment of `sst deploy`. */
export interface DeploySettings {
  /**
   * Where the source lives, without credentials (`postgres://host:5432/totesys`): names the source in the
   * OpenLineage events. The credentials themselves stay in Secrets Manager.
   */
  readonly sourceLocation: string;
}

/** The variables `sst deploy` reads. */
export const DeployVariable = { sourceLocation: 'TOTES_SOURCE_LOCATION' } as const;

/**
 * Reads the deploy settings.
 *
 * @throws {@link InfraError} when one is missing or holds credentials.
 */
export function deploySettings(env: Readonly<Record<string, string | undefined>>): DeploySettings {
  const sourceLocation = env[DeployVariable.sourceLocation]?.trim();
  if (!sourceLocation) {
    throw new InfraError(
      InfraErrorCode.missingSetting,
      `${DeployVariable.sourceLocation} is not set: the source's postgres://host:port/database, without credentials`,
    );
  }
  if (!/^postgres(ql)?:\/\/[^/@]+\/[^/?#]+$/.test(sourceLocation)) {
    throw new InfraError(
      InfraErrorCode.missingSetting,
      `${DeployVariable.sourceLocation} must be postgres://host:port/database, without credentials`,
    );
  }
  return { sourceLocation };
}
