// The program a mocked deploy runs, in a process of its own: `sst.config.ts` under SST's real components, with
// Pulumi's mocks in place of the engine. Bundled by `mocked-stage.ts` with SST's esbuild (the injected shim supplies
// `$interpolate`, `$util` and the rest) into `.sst/platform/`, so that every bare import resolves to the platform's
// single copy of @pulumi/*. It writes the outputs and the recorded resources as JSON. Arguments: the stage, the file.

import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { mockAccount, mockRegion, physicalArn, type RecordedResource } from './mock-aws';

const [stage, outFile] = process.argv.slice(2);
if (!stage || !outFile) throw new Error('stage-program: pass the stage and the file to write');
const root = process.cwd();
const resources: RecordedResource[] = [];
let rpcRequests = 0;
const globals = globalThis as Record<string, unknown>;

const server = rpcStub();
try {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.SST_SERVER = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await pulumi.runtime.setMocks({ newResource, call }, 'totes', stage, false);
  const config = (await import('../../sst.config')).default as unknown as {
    app(input: { stage: string }): Record<string, unknown>;
    run(): Promise<Record<string, unknown>>;
  };
  // Before the components load: one of them reads $app when imported.
  globals.$app = { ...config.app({ stage }), stage, providers: { aws: {} } };
  globals.$dev = false;
  globals.$cli = {
    command: 'deploy',
    rpc: '',
    paths: { home: root, root, work: join(root, '.sst'), platform: join(root, '.sst/platform') },
    state: { version: {} },
  };
  globals.sst = await import('../../.sst/platform/src/components/index');
  globals.aws = await import('@pulumi/aws');
  const { run } = await import('../../.sst/platform/src/auto/run');
  const outputs = await pulumi.runtime.runInPulumiStack(() => run(config.run));
  await settled();
  writeFileSync(outFile, JSON.stringify({ app: globals.$app, outputs, resources }));
} catch (error) {
  // Anything swallowed would leave the stub holding the process open: fail loudly instead.
  console.error(error);
  process.exitCode = 1;
} finally {
  server.close();
}

/**
 * Outstanding applies (a function's build, a subscription's policy) register their resources after run returns:
 * waits until nothing new has been recorded or asked of the RPC for a second.
 */
async function settled(): Promise<void> {
  let seen = -1;
  while (seen !== resources.length + rpcRequests) {
    seen = resources.length + rpcRequests;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
  const resource = { type: args.type, name: args.name, inputs: args.inputs };
  resources.push(resource);
  return { id: `${args.name}-id`, state: { ...args.inputs, ...physicalArn(resource) } };
}

function call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  switch (args.token) {
    case 'aws:index/getRegion:getRegion':
      return { name: mockRegion, region: mockRegion, id: mockRegion };
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return { accountId: mockAccount, arn: `arn:aws:iam::${mockAccount}:user/mock`, userId: 'mock' };
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
    case 'aws:iam/getPolicyDocument:getPolicyDocument':
      // The statements as given: returning none would make SST drop every inline policy unseen.
      return {
        json: JSON.stringify({ Version: '2012-10-17', Statement: args.inputs.statements ?? [] }),
        statements: args.inputs.statements,
      };
    case 'aws:secretsmanager/getSecret:getSecret': {
      const name = String(args.inputs.name);
      const arn = `arn:aws:secretsmanager:${mockRegion}:${mockAccount}:secret:${name}-AbCdEf`;
      resources.push({ type: 'call:secretsmanager/getSecret', name, inputs: args.inputs });
      return { name, arn, id: arn };
    }
    default:
      throw new Error(`stage-program: no mock for the call ${args.token}`);
  }
}

/** The SST CLI's RPC, as much as the components ask of it: a function's build, and the bootstrap buckets. */
function rpcStub(): http.Server {
  const bundle = mkdtempSync(join(tmpdir(), 'totes-sst-bundle-'));
  writeFileSync(join(bundle, 'index.mjs'), 'export const handler = async () => {};\n');
  return http.createServer((request, response) => {
    let body = '';
    rpcRequests += 1;
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const { method, params } = JSON.parse(body) as { method: string; params: Record<string, unknown>[] };
      // A function's build request names its handler and its bundling settings: recorded beside the resources.
      if (method === 'Runtime.Build')
        resources.push({ type: 'rpc:Runtime.Build', name: method, inputs: params[0] ?? {} });
      const result =
        method === 'Runtime.Build'
          ? { handler: 'index.handler', out: bundle, errors: [], sourcemaps: [] }
          : {
              asset: 'sst-asset-mock',
              assetEcrRegistryId: mockAccount,
              assetEcrUrl: 'mock',
              state: 'sst-state-mock',
            };
      // A connection per request: a kept-alive one that the server times out as the client reuses it resets.
      response.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      response.end(JSON.stringify({ result, error: null }));
    });
  });
}
