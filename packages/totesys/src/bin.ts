#!/usr/bin/env -S npx tsx
// Entry point: `tsx packages/totesys/src/bin.ts seed --url … --scale N --seed S` or `mutate --url … --count N`.
import { runTotesysCli } from './cli';

process.exitCode = await runTotesysCli(process.argv.slice(2));
