import {
  adoptLake,
  createAwsClients,
  createLake,
  createPlatformInstanceStore,
  createPool,
  withAdvisoryLock,
} from '@totes/runtime';
import { migrateWarehouse } from '@totes/warehouse-loader';
import { CliError, CliErrorCode } from '../errors';
import { openEnvironment } from '../stack';

export interface LakeOptions {
  action: string | undefined;
  yes: boolean;
}

/**
 * `totes lake adopt --yes`: makes the lake (TOTES_LAKE_URL) and the warehouse's state share one platform instance
 * id, so a start that refused the lake as another instance's accepts it. The lake's id wins when it has one, else
 * the state's, else a new one. Nothing else changes: use it only when the lake truly holds this source's rows.
 */
export async function lake(options: LakeOptions): Promise<number> {
  if (options.action !== 'adopt')
    throw new CliError(CliErrorCode.usage, '`totes lake` takes one action: adopt');
  if (!options.yes)
    throw new CliError(
      CliErrorCode.usage,
      '`totes lake adopt` makes this warehouse accept the lake as its own; it is only right when the lake holds ' +
        "this source's rows. Pass --yes to do it",
    );
  const environment = await openEnvironment({ seed: 1, scale: 1, seedIfEmpty: false });
  const { config, stack } = environment;
  const clients = createAwsClients({ region: config.region, endpoint: stack.awsEndpoint });
  const warehouse = createPool(config.warehouseUrl, { applicationName: 'totes-lake-adopt' });
  try {
    const adopted = await withAdvisoryLock(warehouse, `totes-migrate-${config.stage}`, async () => {
      await migrateWarehouse(warehouse, config);
      return adoptLake({
        lake: createLake(config.lakeUrl, { s3Client: clients.s3 }).store,
        instances: createPlatformInstanceStore(warehouse, config.stateSchema),
        newId: () => crypto.randomUUID(),
      });
    });
    const was = (id: string | null) => id ?? 'none';
    process.stdout.write(
      `lake ${adopted.lake} and the state (schema ${config.stateSchema}) now share platform instance ` +
        `${adopted.instanceId} (the lake held ${was(adopted.lakeId)}, the state ${was(adopted.stateId)})\n`,
    );
    return 0;
  } finally {
    await warehouse.end();
    clients.s3.destroy();
    clients.sqs.destroy();
    clients.sns.destroy();
    await stack.stop();
  }
}
