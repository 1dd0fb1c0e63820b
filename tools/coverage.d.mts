// The types of tools/coverage.mjs, for vitest.config.ts and the tests that read it.
export declare const lineThreshold: number;
export declare const reportsDirectory: string;
export declare function vitestArguments(args: readonly string[]): string[];
export declare function coverageVerdict(summaryFile: string): { ok: boolean; line: string };
