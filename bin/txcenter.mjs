#!/usr/bin/env node
// Entry point of the `txcenter` command. The sources are TypeScript; the command runs an esbuild
// bundle of them, cached under node_modules/.cache/txcenter-cli and rebuilt (about a second, with
// tsx loaded for that once) whenever a file it was built from changed, so `npx txcenter …` works
// right after `npm ci` and no start compiles TypeScript. TXCENTER_LAUNCH=tsx runs the sources
// through tsx instead, as before bundles (`txcenter bench startup` compares the two).
import { pathToFileURL } from 'node:url';
import { CLI_BUNDLES, freshBundle } from './prebuilt.mjs';

const fromSource = process.env.TXCENTER_LAUNCH === 'tsx';
let bundle = fromSource ? undefined : freshBundle(CLI_BUNDLES, 'cli');
let main;
if (!bundle) {
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  if (fromSource) ({ main } = await import('../local/cli/main.ts'));
  else {
    const { prebuiltCli } = await import('../local/cli/prebuiltCli.ts');
    bundle = await prebuiltCli('cli');
    await unregister();
  }
}
if (bundle) ({ main } = await import(pathToFileURL(bundle).href));
process.exitCode = await main(process.argv.slice(2));
