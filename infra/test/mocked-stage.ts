import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RecordedResource } from './mock-aws';

const root = fileURLToPath(new URL('../../', import.meta.url));
const platform = `${root}.sst/platform`;
const program = `${platform}/totes-stage-program.mjs`;

/** What a mocked `sst deploy --stage <stage>` recorded. */
export interface MockedStage {
  /** `$app`: what `sst.config.ts`'s `app()` returned for the stage. */
  readonly app: { readonly name: string; readonly removal: string; readonly protect: boolean };
  readonly outputs: Record<string, unknown>;
  readonly resources: readonly RecordedResource[];
}

let built: Promise<unknown> | undefined;

/** Bundles the stage program with SST's own esbuild, the way SST bundles `sst.config.ts`; once per test process. */
function buildProgram(): Promise<unknown> {
  built ??= installedPlatform().then(() =>
    import(`${platform}/node_modules/esbuild/lib/main.js`).then((esbuild) =>
      esbuild.build({
        entryPoints: [`${root}infra/test/stage-program.ts`],
        outfile: program,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        plugins: [platformPackagesExternal],
        inject: [`${platform}/src/shim/run.js`],
        banner: {
          js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
        logLevel: 'error',
      }),
    ),
  );
  return built;
}

/** SST's platform, installed once by `tools/sst-platform.mjs` (a no-op when it is there). */
async function installedPlatform(): Promise<void> {
  await promisify(execFile)(process.execPath, [`${root}tools/sst-platform.mjs`], { cwd: root });
}

/**
 * Leaves the platform's packages (and @pulumi/* wherever imported) as imports, resolved at run time from
 * .sst/platform/node_modules: one copy of Pulumi. The project's own code and its dependencies are bundled.
 */
const platformPackagesExternal = {
  name: 'platform-packages-external',
  setup(build: { onResolve(options: { filter: RegExp }, callback: (args: ResolveArgs) => unknown): void }) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@pulumi/') || args.importer.startsWith(platform) ? { external: true } : undefined,
    );
  },
};

interface ResolveArgs {
  readonly path: string;
  readonly importer: string;
}

/**
 * Runs `sst.config.ts` for `stage` under SST's real components and Pulumi's mocks, in a child process, with `env`
 * as the environment of `sst deploy`. Rejects with the program's error output when the deploy would fail.
 */
export async function mockedStage(stage: string, env: Record<string, string>): Promise<MockedStage> {
  await buildProgram();
  const folder = await mkdtemp(join(tmpdir(), 'totes-mocked-stage-'));
  try {
    await promisify(execFile)(process.execPath, [program, stage, join(folder, 'stage.json')], {
      cwd: root,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(await readFile(join(folder, 'stage.json'), 'utf8')) as MockedStage;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
