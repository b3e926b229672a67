/**
 * `npm run build`: one minified CommonJS bundle per catalog function, `dist/<fn>.js` (+ source map),
 * for the FC Node.js 20 runtime. Prints every bundle's size and fails when one exceeds
 * {@link BUNDLE_BUDGET_BYTES} or contains the native SQLite driver.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { catalog } from '../shared/engines/catalog';
import { TxcError } from '../shared/errors';
import { CLOUD_SHIMS } from './cloudShims';

/** The issue's budget: a bundle this small loads in tens of milliseconds (fc-platform.md, "Cold start"). */
export const BUNDLE_BUDGET_BYTES = 150 * 1024;
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The FC runtime we target (nodejs20). */
const NODE_TARGET = 'node20';
const NATIVE_DRIVER = 'better-sqlite3';

export interface Bundle {
  readonly name: string;
  /** Absolute path of the bundle. */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface BuildResult {
  readonly bundles: Bundle[];
  /** Catalog functions with no `functions/<name>/handler.ts` yet. */
  readonly missing: string[];
  /** Bundles over {@link BUNDLE_BUDGET_BYTES}. */
  readonly oversized: Bundle[];
}

/** A bundle still references the native SQLite driver. */
export class NativeDriverInBundleError extends TxcError {
  override readonly name = 'NativeDriverInBundleError';
  constructor(bundle: string) {
    super('NATIVE_DRIVER_IN_BUNDLE', `${bundle} references ${NATIVE_DRIVER}; cloud bundles must not contain native drivers`);
  }
}

export interface BuildOptions {
  /** Repository root holding `functions/`. @default the repository of this script */
  root?: string;
  /** @default `<root>/dist` */
  outDir?: string;
  /** @default every catalog function */
  functions?: readonly string[];
}

/** Bundles every function whose handler exists. @throws NativeDriverInBundleError */
export async function buildBundles(options: BuildOptions = {}): Promise<BuildResult> {
  const root = options.root ?? REPO_ROOT;
  const outDir = options.outDir ?? join(root, 'dist');
  const names = options.functions ?? catalog().functions.map((fn) => fn.name);
  const entry = (name: string) => join(root, 'functions', name, 'handler.ts');
  const present = names.filter((name) => existsSync(entry(name)));
  const bundles: Bundle[] = [];
  // The repository is `"type": "module"`; this marker keeps dist/*.js CommonJS locally and in the zip.
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  // Sequential: esbuild is already parallel inside one build, and ordered output reads better.
  for (const name of present) {
    const file = join(outDir, `${name}.js`);
    await build({
      absWorkingDir: root,
      entryPoints: [entry(name)],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: NODE_TARGET,
      format: 'cjs',
      minify: true,
      sourcemap: true,
      legalComments: 'none',
      logLevel: 'error',
      plugins: [CLOUD_SHIMS],
    });
    const code = readFileSync(file);
    if (code.includes(NATIVE_DRIVER)) throw new NativeDriverInBundleError(relative(root, file));
    bundles.push({ name, file, bytes: code.length, gzipBytes: gzipSync(code).length });
  }
  return {
    bundles,
    missing: names.filter((name) => !present.includes(name)),
    oversized: bundles.filter((b) => b.bytes > BUNDLE_BUDGET_BYTES),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The size table `npm run build` prints. */
export function formatReport(result: BuildResult, root = REPO_ROOT): string {
  const width = Math.max(0, ...result.bundles.map((b) => relative(root, b.file).length));
  const lines = result.bundles.map(
    (b) =>
      `  ${relative(root, b.file).padEnd(width)}  ${kb(b.bytes).padStart(9)}  (gzip ${kb(b.gzipBytes)})${b.bytes > BUNDLE_BUDGET_BYTES ? '  OVER BUDGET' : ''}`,
  );
  if (result.missing.length > 0)
    lines.push(`  missing handlers (not built): ${result.missing.map((name) => `functions/${name}/handler.ts`).join(', ')}`);
  lines.push(`  budget ${kb(BUNDLE_BUDGET_BYTES)} per bundle: ${result.oversized.length === 0 ? 'ok' : `${result.oversized.length} over`}`);
  return lines.join('\n');
}

/**
 * Exit code: 1 when nothing was built; an over-budget bundle is reported (the budget is a measured
 * figure, see docs/deploying.md) and fails the build only with `--strict-budget`.
 */
async function main(argv: string[]): Promise<number> {
  const result = await buildBundles();
  console.log(`Bundles (minified, ${NODE_TARGET}, CommonJS):\n${formatReport(result)}`);
  if (result.bundles.length === 0) return 1;
  return result.oversized.length > 0 && argv.includes('--strict-budget') ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
