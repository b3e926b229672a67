import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CACHE_ROOT, PROJECT_ROOT } from '../../bin/prebuilt.mjs';
import { prebuilt } from '../../local/prebuilt';

const suffix = randomBytes(4).toString('hex');
const sets = [`test-builder-${suffix}`, `test-inner-${suffix}`, `test-direct-${suffix}`];

afterAll(() => {
  for (const set of sets) rmSync(join(CACHE_ROOT, set), { recursive: true, force: true });
});

/** An entry whose module computes the project root from its own `import.meta.url` (bin/prebuilt.mjs). */
const ROOT_PROBE = { out: 'probe', contents: `export { PROJECT_ROOT } from ${JSON.stringify(join(PROJECT_ROOT, 'bin/prebuilt.mjs'))};` };

describe('Function: prebuilt', () => {
  it('keeps import.meta.url meaning the source file inside a bundle', async () => {
    const file = await prebuilt(sets[2]!, [ROOT_PROBE]);
    const probe = (await import(pathToFileURL(file('probe')).href)) as { PROJECT_ROOT: string };
    expect(probe.PROJECT_ROOT).toBe(PROJECT_ROOT);
  });

  // The `txcenter` command and the chaos drill run from bundles and rebuild stale function bundles
  // themselves: a builder that had rewritten its own 'import.meta.url' text no longer found it anywhere,
  // and every path computed from it pointed into node_modules/.cache (the chaos stack could not start).
  it('a builder running from its own bundle builds bundles that still know where their sources are', async () => {
    const builderFile = await prebuilt(sets[0]!, [
      { out: 'builder', contents: `export { prebuilt } from ${JSON.stringify(join(PROJECT_ROOT, 'local/prebuilt.ts'))};` },
    ]);
    const bundled = (await import(pathToFileURL(builderFile('builder')).href)) as { prebuilt: typeof prebuilt };
    const file = await bundled.prebuilt(sets[1]!, [ROOT_PROBE]);
    const probe = (await import(pathToFileURL(file('probe')).href)) as { PROJECT_ROOT: string };
    expect(probe.PROJECT_ROOT).toBe(PROJECT_ROOT);
  });
});
