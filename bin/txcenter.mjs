#!/usr/bin/env node
// Entry point of the `txcenter` command. The sources are TypeScript; tsx compiles them on load so
// `npx txcenter …` works right after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../local/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
