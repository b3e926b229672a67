import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { build } from 'esbuild';
import type { BundleManifest } from '../bin/prebuilt.mjs';
import { CACHE_ROOT, CURRENT_FILE, currentManifest, fileHash, isFresh, PROJECT_ROOT } from '../bin/prebuilt.mjs';

/**
 * Prebuilt JavaScript for local processes (function processes, the `txcenter` command, the chaos
 * drill's stack): esbuild bundles of our TypeScript, cached under `node_modules/.cache/<set>/` and
 * rebuilt when any file they were built from changes, so no process compiles TypeScript on start.
 */

/** One bundle: `<out>.mjs` from a source file, or from generated source (`contents`, TypeScript). */
export type BundleEntry = { readonly out: string; readonly file: string } | { readonly out: string; readonly contents: string };

/**
 * Older builds are deleted after this long: a running process may still import a lazily loaded chunk
 * of the build it started from (a supervised restart reuses it too), so they are not deleted at once.
 */
const STALE_BUILD_MS = 24 * 3_600_000;
/** Files every build depends on besides the sources esbuild reads: the builder and esbuild's version. */
const BUILDER_INPUTS = [
  relative(PROJECT_ROOT, fileURLToPath(import.meta.url)),
  'bin/prebuilt.mjs',
  'node_modules/esbuild/package.json',
  'tsconfig.json',
];

/** A bare import (`pkg`, `@scope/pkg`, `pkg/sub/path`), not a relative or absolute path. */
const BARE_IMPORT = /^[^./]/;

/**
 * Pure-JavaScript ESM packages compiled into the bundles: Node's ESM loader resolves and links each of
 * their hundreds of files on every start (importing kysely alone cost about 270 ms of CPU, zod 135 ms,
 * of a function process's ≈ 900 ms), while inlined they are one parsed file among ours.
 */
const INLINED_PACKAGES = new Set(['kysely', 'zod']);

/**
 * Other npm packages stay external (resolved from node_modules when the bundle runs; the native SQLite
 * driver must, and CommonJS packages that read files or start workers are safest as they are). A deep
 * import without an extension (`prom-client/lib/counter`), which TypeScript's bundler resolution and
 * tsx accept but Node's ESM loader does not, is written with the file it resolves to
 * (`prom-client/lib/counter.js`).
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
      if (INLINED_PACKAGES.has(packageName)) return undefined; // esbuild resolves and bundles it
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

/**
 * Written as patterns, never as the plain text: this file is bundled by itself (the `txcenter` command
 * builds function bundles from its own bundle), and a plain string would be rewritten like any other
 * occurrence, leaving a bundled builder searching for a file URL instead.
 */
const IMPORT_META_URL = /\bimport\.meta\.url\b/;
const IMPORT_META_URL_ALL = new RegExp(IMPORT_META_URL.source, 'g');

/**
 * `import.meta.url` keeps meaning the source file's URL inside a bundle, so the paths modules compute
 * from it (the project root, a script to spawn, package.json) are the same as when run from source.
 */
const SOURCE_LOCATION: Plugin = {
  name: 'source-location',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs)$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!IMPORT_META_URL.test(source)) return undefined;
      return {
        contents: source.replace(IMPORT_META_URL_ALL, JSON.stringify(pathToFileURL(args.path).href)),
        loader: args.path.endsWith('.ts') ? 'ts' : 'js',
      };
    });
  },
};

function pruneStaleBuilds(cacheDir: string): void {
  for (const entry of readdirSync(cacheDir)) {
    const path = join(cacheDir, entry);
    if (entry.startsWith('build-') && Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Builds the entries as ESM bundles with shared chunks into a new folder of the set's cache and points
 * the set at it. Concurrent builders (parallel test files) each build into their own folder; the
 * pointer file is replaced atomically, so a reader always sees a complete build.
 */
async function buildSet(set: string, entries: readonly BundleEntry[]): Promise<BundleManifest> {
  const cacheDir = join(CACHE_ROOT, set);
  mkdirSync(cacheDir, { recursive: true });
  pruneStaleBuilds(cacheDir);
  const dir = `build-${Date.now()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const outDir = join(cacheDir, dir);
  const entriesDir = join(cacheDir, `${dir}-entries`);
  mkdirSync(entriesDir, { recursive: true });
  try {
    const entryPoints = entries.map((entry) => {
      if ('file' in entry) return { in: entry.file, out: entry.out };
      const file = join(entriesDir, `${entry.out}.ts`);
      writeFileSync(file, entry.contents);
      return { in: file, out: entry.out };
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
      plugins: [EXTERNAL_PACKAGES, SOURCE_LOCATION],
      metafile: true,
      logLevel: 'error',
    });
    const inputs = [
      // Our files; an inlined package counts by its package.json (its version), not its hundreds of files.
      ...Object.keys(result.metafile.inputs).filter(
        (path) => !path.includes('node_modules/') && !join(PROJECT_ROOT, path).startsWith(entriesDir),
      ),
      ...[...INLINED_PACKAGES].map((name) => `node_modules/${name}/package.json`),
      ...BUILDER_INPUTS,
    ];
    const manifest: BundleManifest = {
      dir,
      entries: entries.map((entry) => entry.out),
      inputs: Object.fromEntries(
        inputs.flatMap((path) => {
          const hash = fileHash(path);
          return hash ? [[path, hash]] : [];
        }),
      ),
    };
    const pointer = join(cacheDir, `${CURRENT_FILE}.${dir}.tmp`);
    writeFileSync(pointer, JSON.stringify(manifest));
    renameSync(pointer, join(cacheDir, CURRENT_FILE));
    return manifest;
  } finally {
    rmSync(entriesDir, { recursive: true, force: true });
  }
}

/**
 * The bundle files of a set's entries: the cached build when it holds them all and none of its
 * inputs changed (hashing them takes milliseconds), else a new build first (about a second).
 * @returns the `.mjs` file of each entry, by `out` name
 */
export async function prebuilt(set: string, entries: readonly BundleEntry[]): Promise<(out: string) => string> {
  const cached = currentManifest(set);
  const wanted = entries.map((entry) => entry.out);
  const manifest = isFresh(set, cached, wanted) ? cached : await buildSet(set, entries);
  return (out) => join(CACHE_ROOT, set, manifest.dir, `${out}.mjs`);
}
