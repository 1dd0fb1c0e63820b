// Installs what the project needs before `npm start` or `npm test` runs, on a machine with nothing but Node and npm:
// the pnpm that package.json pins, then the dependencies from the lockfile. It is plain JavaScript with no
// dependencies because it runs before any are installed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository's root folder. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the stamp of the last install is kept: inside node_modules, so removing node_modules removes it too. */
const stampFile = join(root, 'node_modules', '.totes-install-stamp');

/** The pnpm version package.json pins (`packageManager`), the one every install uses. */
export function pinnedPnpmVersion(packageJson = readJson(join(root, 'package.json'))) {
  const match = /^pnpm@(\d+\.\d+\.\d+)/.exec(packageJson.packageManager ?? '');
  if (!match) throw new Error('package.json names no pnpm version in "packageManager" (pnpm@X.Y.Z)');
  return match[1];
}

/**
 * A hash of everything an install depends on: the lockfile, the workspace file and every workspace package.json.
 * A change to any of them makes the installed dependencies stale.
 */
export function installInputsHash(files = installInputs()) {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : '');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether the installed dependencies were installed from the inputs whose hash is `wanted`. */
export function installIsCurrent(wanted, stamp = readStamp()) {
  return stamp === wanted && existsSync(join(root, 'node_modules', '.modules.yaml'));
}

/**
 * Makes sure the pinned pnpm and the locked dependencies are installed, installing only what is missing or stale,
 * and returns the pnpm command to run.
 */
export function ensureInstalled({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const version = pinnedPnpmVersion();
  const wanted = installInputsHash();
  if (installIsCurrent(wanted)) return pnpmCommand(version, log);
  const pnpm = pnpmCommand(version, log);
  log(`setup: installing the dependencies from pnpm-lock.yaml with pnpm ${version}…`);
  run(pnpm, ['install', '--frozen-lockfile'], 'pnpm install --frozen-lockfile');
  writeFileSync(stampFile, `${wanted}\n`);
  return pnpm;
}

/** The pinned pnpm: the one on PATH when it is that version, else a copy installed with npm into .totes/tools. */
function pnpmCommand(version, log) {
  if (versionOf('pnpm') === version) return 'pnpm';
  const prefix = join(root, '.totes', 'tools', `pnpm-${version}`);
  const local = join(prefix, 'node_modules', '.bin', 'pnpm');
  if (versionOf(local) === version) return local;
  log(`setup: installing pnpm ${version} into ${prefix}…`);
  run(
    'npm',
    ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `pnpm@${version}`],
    'npm install pnpm',
  );
  return local;
}

function versionOf(command) {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.status === 0 ? result.stdout.trim() : null;
}

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`setup: ${what} failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
}

/** The files an install reads: the lockfile, the workspace file, and the package.json of every workspace folder. */
function installInputs() {
  const packageFolders = ['packages', 'examples']
    .flatMap((parent) => (existsSync(join(root, parent)) ? subfolders(parent) : []))
    .concat(['infra']);
  return [
    'pnpm-lock.yaml',
    'pnpm-workspace.yaml',
    'package.json',
    ...packageFolders.map((folder) => `${folder}/package.json`),
  ];
}

function subfolders(parent) {
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${parent}/${entry.name}`)
    .sort();
}

function readStamp() {
  return existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : null;
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// `npm run setup` (or `node tools/setup.mjs`): only the install, as a deploy job wants it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) ensureInstalled();
