import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleServiceProcess, lambdaExternal, type ServiceBundle } from './service-bundle';

const run = promisify(execFile);

describe('bundleServiceProcess', () => {
  let outDir: string;
  let bundle: ServiceBundle;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'totes-bench-bundle-'));
    bundle = await bundleServiceProcess(outDir);
  }, 60_000);

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('leaves out of the bundle only what the Lambda build leaves out, besides Node built-ins', async () => {
    const code = await readFile(bundle.entryPath, 'utf8');
    const imported = [...code.matchAll(/(?:\bfrom |\bimport\(|__require\()\s*"([^"]+)"/g)].map(
      (match) => match[1] as string,
    );
    const packages = new Set(imported.filter((name) => !isBuiltin(name)).map(packageOf));

    expect([...packages].sort()).toEqual([...lambdaExternal].sort());
    expect(bundle.external).toEqual([...lambdaExternal]);
  });

  it('starts with plain node, no tsx: every module resolves, parquet-wasm beside it, and it stops for want of IPC', async () => {
    const started = run(process.execPath, [bundle.entryPath], {
      env: { ...process.env, NODE_OPTIONS: '' },
      cwd: outDir,
    });

    await expect(started).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("run by the benchmark's platform process only"),
    });
  });
});

function isBuiltin(name: string): boolean {
  return name.startsWith('node:') || builtinModules.includes(name.split('/')[0] ?? name);
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}
