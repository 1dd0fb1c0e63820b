import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

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

export const config = defineConfig({
  test: {
    projects: roots.map((root) => ({
      test: {
        name: root.replace(/^(packages|examples)\//, ''),
        root,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    })),
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export of its config file.
export default config;
