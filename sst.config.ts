/// <reference path="./.sst/platform/config.d.ts" />

/**
 * The Totes Data Platform on AWS (SST v4). One stage per `--stage`: `production` keeps its data when removed,
 * every other stage removes everything. The resources are declared in `infra/`, by concern.
 */
// biome-ignore lint/style/noDefaultExport: SST reads the default export of its config file.
export default $config({
  app(input) {
    return {
      name: 'totes',
      home: 'aws',
      // Mirrors `stagePlan(stage).retainData` (infra/stage.ts); the infrastructure tests check they agree.
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      protect: input?.stage === 'production',
    };
  },
  async run() {
    // SST loads infra code inside run(), once its globals exist.
    const { deploy } = await import('./infra/index');
    return deploy({ stage: $app.stage, env: process.env });
  },
});
