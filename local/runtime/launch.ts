import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { build, version as esbuildVersion } from 'esbuild';
import { RuntimeConfigError } from './errors';

/**
 * How a function process starts: `bundle` runs prebuilt JavaScript (one esbuild bundle per function
 * with the runtime, cached and rebuilt when a source changes); `tsx` compiles the TypeScript sources
 * on load, as before bundles existed (the startup benchmark compares the two).
 */
export type FunctionLaunch = 'bundle' | 'tsx';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNTIME_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const RUN_PROCESS = fileURLToPath(new URL('./runProcess.ts', import.meta.url));
/** Where bundles are cached: inside node_modules, so a fresh clone builds them once and git never sees them. */
export const BUNDLE_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'txcenter-runtime');
/** The pointer to the current build: `{ dir, inputs: { path: sha1 } }`, replaced atomically. */
const CURRENT_FILE = 'current.json';
/**
 * Older builds are deleted after this long: a running process may still import a lazily loaded chunk
 * of the build it started from (a supervised restart reuses it too), so they are not deleted at once.
 */
const STALE_BUILD_MS = 24 * 3_600_000;

/** A bare import (`pkg`, `@scope/pkg`, `pkg/sub/path`), not a relative or absolute path. */
const BARE_IMPORT = /^[^./]/;

/**
 * npm packages stay external (resolved from node_modules when the bundle runs; the native SQLite
 * driver must). A deep import without an extension (`prom-client/lib/counter`), which TypeScript's
 * bundler resolution and tsx accept but Node's ESM loader does not, is written with the file it
 * resolves to (`prom-client/lib/counter.js`).
 */
const EXTERNAL_PACKAGES: Plugin = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: BARE_IMPORT }, (args) => {
      const specifier = args.path;
      const packageName = specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
      if (isBuiltin(specifier) || specifier === packageName) return { path: specifier, external: true };
      const file = createRequire(join(args.resolveDir, 'index.js')).resolve(specifier);
      const root = file.lastIndexOf(`/node_modules/${packageName}/`);
      if (root < 0) return { path: specifier, external: true };
      const packageRoot = file.slice(0, root + `/node_modules/${packageName}`.length);
      // With an "exports" map Node resolves the subpath as written (and refuses any other file).
      const exportsMap = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { exports?: unknown }).exports;
      return { path: exportsMap === undefined ? `${packageName}${file.slice(packageRoot.length)}` : specifier, external: true };
    });
  },
};

interface BuildManifest {
  /** Folder under the cache holding `<function>.mjs` and shared chunks. */
  readonly dir: string;
  readonly functions: readonly string[];
  /** Hash of this builder (its options and plugin) and esbuild's version: a new way of building invalidates too. */
  readonly builder: string;
  /** Every source file esbuild read, with its content hash: any change invalidates the build. */
  readonly inputs: Readonly<Record<string, string>>;
}

const sha1 = (content: Buffer | string) => createHash('sha1').update(content).digest('hex');

/** This file's content and esbuild's version. */
const BUILDER = sha1(`${readFileSync(fileURLToPath(import.meta.url))}\n${esbuildVersion}`);

function fileHash(relativePath: string): string | undefined {
  const path = join(PROJECT_ROOT, relativePath);
  return existsSync(path) ? sha1(readFileSync(path)) : undefined;
}

function currentManifest(): BuildManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(BUNDLE_CACHE_DIR, CURRENT_FILE), 'utf8')) as BuildManifest;
  } catch {
    return undefined; // never built, or unreadable: build
  }
}

/** True when the cached build covers these functions and none of its sources changed since. */
function isFresh(manifest: BuildManifest | undefined, functionNames: readonly string[]): manifest is BuildManifest {
  if (!manifest || manifest.builder !== BUILDER || !existsSync(join(BUNDLE_CACHE_DIR, manifest.dir))) return false;
  if (!functionNames.every((name) => manifest.functions.includes(name))) return false;
  return Object.entries(manifest.inputs).every(([path, hash]) => fileHash(path) === hash);
}

/**
 * Builds one ESM bundle per function: the runtime process (runProcess.ts) with that function's handler
 * imported statically. npm packages stay external ({@link EXTERNAL_PACKAGES}), so the bundles hold only
 * our TypeScript, compiled once instead of per start.
 * Concurrent builders (parallel test files) each build into their own folder; the pointer file is
 * replaced atomically, so a reader always sees a complete build.
 */
async function buildBundles(functionNames: readonly string[]): Promise<BuildManifest> {
  mkdirSync(BUNDLE_CACHE_DIR, { recursive: true });
  pruneStaleBuilds();
  const dir = `build-${Date.now()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const outDir = join(BUNDLE_CACHE_DIR, dir);
  const entriesDir = join(BUNDLE_CACHE_DIR, `${dir}-entries`);
  mkdirSync(entriesDir, { recursive: true });
  try {
    const entryPoints = functionNames.map((name) => {
      const handler = join(PROJECT_ROOT, 'functions', name, 'handler.ts');
      if (!existsSync(handler)) throw new RuntimeConfigError(`function '${name}' has no handler at ${handler}`);
      const entry = join(entriesDir, `${name}.ts`);
      writeFileSync(
        entry,
        `import { runRuntimeProcess } from ${JSON.stringify(RUN_PROCESS)};\nimport { handler } from ${JSON.stringify(handler)};\nawait runRuntimeProcess(async () => handler);\n`,
      );
      return { in: entry, out: name };
    });
    const result = await build({
      absWorkingDir: PROJECT_ROOT,
      entryPoints,
      outdir: outDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      plugins: [EXTERNAL_PACKAGES],
      metafile: true,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile.inputs).filter((path) => !join(PROJECT_ROOT, path).startsWith(entriesDir));
    const manifest: BuildManifest = {
      dir,
      builder: BUILDER,
      functions: [...functionNames],
      inputs: Object.fromEntries(inputs.map((path) => [path, fileHash(path)!])),
    };
    const pointer = join(BUNDLE_CACHE_DIR, `${CURRENT_FILE}.${dir}.tmp`);
    writeFileSync(pointer, JSON.stringify(manifest));
    renameSync(pointer, join(BUNDLE_CACHE_DIR, CURRENT_FILE));
    return manifest;
  } finally {
    rmSync(entriesDir, { recursive: true, force: true });
  }
}

function pruneStaleBuilds(): void {
  for (const entry of readdirSync(BUNDLE_CACHE_DIR)) {
    const path = join(BUNDLE_CACHE_DIR, entry);
    if (entry.startsWith('build-') && Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Prepares starting these functions and returns each one's node arguments. With `bundle`, reuses the
 * cached build when every source it was built from is unchanged (hashing them takes milliseconds),
 * else builds first (about a second).
 */
export async function prepareLaunch(functionNames: readonly string[], launch: FunctionLaunch): Promise<(functionName: string) => string[]> {
  if (launch === 'tsx') return () => ['--import', 'tsx', RUNTIME_MAIN];
  const cached = currentManifest();
  const manifest = isFresh(cached, functionNames) ? cached : await buildBundles(functionNames);
  return (functionName) => [join(BUNDLE_CACHE_DIR, manifest.dir, `${functionName}.mjs`)];
}
