// Installs SST's own platform code (its components and declarations, with its own @pulumi/* copies) into
// .sst/platform, without the network beyond npm: the infra is typechecked against it and its tests run it under
// Pulumi's mocks. `sst install` first tries to download Pulumi; the SST_* variables below skip that, and no Pulumi
// engine is installed, so a real `sst deploy` still needs the network. It runs once (about 70 s and 295 MB) and
// again only when the pinned sst version changes. Plain JavaScript, no dependencies: it runs before any check does.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './setup.mjs';

/** Where SST unpacks its platform. */
export const platformFolder = join(root, '.sst', 'platform');

/** The sst version infra/package.json pins: the platform installed must be that one. */
export function pinnedSstVersion() {
  const infra = JSON.parse(readFileSync(join(root, 'infra', 'package.json'), 'utf8'));
  return infra.devDependencies.sst;
}

/** Whether the platform of `version` is installed, with its declarations and its dependencies. */
export function platformIsCurrent(version = pinnedSstVersion()) {
  const versionFile = join(platformFolder, 'version');
  return (
    existsSync(versionFile) &&
    readFileSync(versionFile, 'utf8').trim() === version &&
    existsSync(join(platformFolder, 'config.d.ts')) &&
    existsSync(join(platformFolder, 'node_modules', '@pulumi', 'aws', 'package.json'))
  );
}

/** Installs the platform unless the pinned version is already there. */
export function ensureSstPlatform({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const version = pinnedSstVersion();
  if (platformIsCurrent(version)) return;
  const sst = join(root, 'infra', 'node_modules', '.bin', 'sst');
  if (!existsSync(sst)) throw new Error(`sst-platform: ${sst} is missing: run \`npm run setup\` first`);
  log(`sst-platform: installing SST ${version}'s platform into .sst/platform (once, about a minute)…`);
  const result = spawnSync(sst, ['install', '--stage', 'test'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SST_SKIP_DEPENDENCY_CHECK: '1', SST_NO_BUN: '1', SST_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0 || !platformIsCurrent(version)) {
    throw new Error(`sst-platform: sst install failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) ensureSstPlatform();
