import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { lineThreshold, reportsDirectory } from './tools/coverage.mjs';

// One project per package, per example and for the infrastructure: unit tests (`*.test.ts`) and integration tests
// (`*.int.test.ts`) alike. Each integration test file starts its own Postgres, fauxqs and lake folder, so files run in
// parallel safely.
const foldersIn = (parent: string) =>
  readdirSync(new URL(`./${parent}`, import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${parent}/${entry.name}`);

const roots = [...foldersIn('packages'), ...foldersIn('examples'), 'infra'].filter((root) =>
  existsSync(new URL(`./${root}/package.json`, import.meta.url)),
);

// The soak runs six processes through timed faults and a drain with a deadline: it runs last, on a machine no other
// test file is using, because sharing the two cores with the rest of the suite starved it past its limits.
const runsAlone = new Set(['packages/soak']);

export const config = defineConfig({
  test: {
    // Off unless asked (`--coverage`); `npm test` asks on a full run. Every package's sources and the infrastructure
    // count, except the bench and the soak harness: tools that measure the platform, not the platform.
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts', 'infra/**/*.ts'],
      exclude: ['packages/bench/**', 'packages/soak/**', '**/*.test.ts', '**/test/**', '**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory,
      thresholds: { lines: lineThreshold },
    },
    projects: roots.map((root) => ({
      test: {
        name: root.replace(/^(packages|examples)\//, ''),
        root,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 120_000,
        sequence: { groupOrder: runsAlone.has(root) ? 1 : 0 },
      },
    })),
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export of its config file.
export default config;
