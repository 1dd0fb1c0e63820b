import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One project per package: unit tests (`*.test.ts`) and integration tests (`*.int.test.ts`) alike.
// Each integration test file starts its own Postgres, fauxqs and lake folder, so files run in parallel safely.
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export const config = defineConfig({
  test: {
    projects: packages.map((name) => ({
      test: {
        name,
        root: `packages/${name}`,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    })),
  },
});

// biome-ignore lint/style/noDefaultExport: vitest reads the default export of its config file.
export default config;
