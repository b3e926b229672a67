import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/build';

const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } }>;
};

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('Install: what `npm ci --omit=dev` leaves is enough for the CLI', () => {
  it('every package the txcenter command can reach (static and lazy imports) is a production dependency', async () => {
    const result = await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: ['bin/txcenter.mjs'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      metafile: true,
      outdir: 'unused',
      logLevel: 'error',
    });
    const reached = new Set<string>();
    for (const input of Object.values(result.metafile.inputs)) {
      for (const imported of input.imports) {
        if (
          imported.external &&
          !imported.path.startsWith('node:') &&
          !builtinModules.includes(imported.path) &&
          !imported.path.startsWith('.')
        )
          reached.add(packageOf(imported.path));
      }
    }
    expect(reached).toContain('tsx');
    expect([...reached].filter((name) => !(name in packageJson.dependencies))).toEqual([]);
  });

  it('no direct dependency declares an engines range that starts above Node 20 (FC runs nodejs20)', () => {
    const tooNew = Object.keys(packageJson.dependencies).filter((name) =>
      /^>=\s*(2[1-9]|[3-9]\d)/.test(lock.packages[`node_modules/${name}`]?.engines?.node ?? ''),
    );
    expect(tooNew).toEqual([]);
    expect(packageJson.engines.node).toBe('>=20 <23');
  });
});
