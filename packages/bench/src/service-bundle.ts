import { mkdir, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BenchError, BenchErrorCode } from './errors';

/**
 * What the Lambda build leaves out of the bundle (infra/services.ts): pg-native (pg asks for it only when told to)
 * and parquet-wasm, installed as a package beside the bundle because it loads its .wasm from its own folder.
 */
export const lambdaExternal = ['pg-native', 'parquet-wasm'] as const;

/** The externals the Lambda build installs beside the bundle, each with a module of it to find its folder by. */
const installed = [{ name: 'parquet-wasm', module: 'parquet-wasm/node' }] as const;

/** The service process, bundled as a Lambda is: one ES module file, run by plain node. */
export interface ServiceBundle {
  /** The bundled file, to fork with node (no tsx). */
  readonly entryPath: string;
  readonly bytes: number;
  readonly buildMs: number;
  readonly external: readonly string[];
}

/**
 * Bundles `service-process-entry.ts` into `outDir` with esbuild, with the options SST's Node.js build uses for the
 * functions (ESM, `module` before `main`, names kept, the same banner giving CommonJS dependencies `require`,
 * `__filename` and `__dirname`), not minified, and links each installed external into `outDir/node_modules`, where
 * the function's package would have it. Only the entry differs from a Lambda's: it runs one service through the
 * same core as `totes serve`, against fauxqs.
 */
export async function bundleServiceProcess(outDir: string): Promise<ServiceBundle> {
  const entryPath = join(outDir, 'service-process.mjs');
  const started = performance.now();
  await build({
    entryPoints: [fileURLToPath(new URL('./service-process-entry.ts', import.meta.url))],
    outfile: entryPath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    keepNames: true,
    external: [...lambdaExternal],
    banner: { js: banner },
    logLevel: 'silent',
  }).catch((error: unknown) => {
    throw new BenchError(
      BenchErrorCode.bundleFailed,
      `esbuild could not bundle the service process: ${(error as Error).message}`,
      { cause: error },
    );
  });
  const buildMs = performance.now() - started;
  await mkdir(join(outDir, 'node_modules'), { recursive: true });
  for (const { name, module } of installed) {
    await symlink(installedFolder(name, module), join(outDir, 'node_modules', name), 'dir');
  }
  return { entryPath, bytes: (await stat(entryPath)).size, buildMs, external: [...lambdaExternal] };
}

// As SST's ESM banner: bundled CommonJS code calls require, and some reads __dirname.
const banner = [
  "import { createRequire as topLevelCreateRequire } from 'node:module';",
  'const require = topLevelCreateRequire(import.meta.url);',
  "import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from 'node:url';",
  'const __filename = topLevelFileUrlToPath(import.meta.url);',
  "const __dirname = topLevelFileUrlToPath(new topLevelURL('.', import.meta.url));",
].join('\n');

/** The folder of a package that @totes/runtime depends on: the same version its Lambda build installs. */
function installedFolder(name: string, module: string): string {
  const fromRuntime = createRequire(createRequire(import.meta.url).resolve('@totes/runtime'));
  // The package exports no package.json, so its folder is found from one of its modules.
  const file = fromRuntime.resolve(module);
  const marker = `${sep}node_modules${sep}${name}${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0)
    throw new BenchError(BenchErrorCode.bundleFailed, `${name} is not in a node_modules folder: ${file}`);
  return file.slice(0, at + marker.length - 1);
}
