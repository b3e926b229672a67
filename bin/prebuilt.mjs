// The freshness check of prebuilt bundles (local/prebuilt.ts builds them), in plain JavaScript so the
// `txcenter` command can start from its bundle without loading a TypeScript compiler first.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Bundles are cached inside node_modules: a fresh clone builds them once and git never sees them. */
export const CACHE_ROOT = join(PROJECT_ROOT, 'node_modules', '.cache');
/** The pointer to a set's current build: `{ dir, entries, inputs: { path: sha1 } }`, replaced atomically. */
export const CURRENT_FILE = 'current.json';

/** SHA-1 of a project file (path relative to the project root), undefined when it does not exist. */
export function fileHash(relativePath) {
  const path = join(PROJECT_ROOT, relativePath);
  return existsSync(path) ? createHash('sha1').update(readFileSync(path)).digest('hex') : undefined;
}

/** The current build manifest of a bundle set, or undefined when never built (or unreadable). */
export function currentManifest(set) {
  try {
    return JSON.parse(readFileSync(join(CACHE_ROOT, set, CURRENT_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * True when the manifest's build holds every one of `entries` and no file it was built from changed
 * (the inputs include the builder and esbuild's version, so a new way of building invalidates too).
 * Hashing every input takes milliseconds.
 */
export function isFresh(set, manifest, entries) {
  if (!manifest || typeof manifest.dir !== 'string' || !existsSync(join(CACHE_ROOT, set, manifest.dir))) return false;
  if (!entries.every((entry) => manifest.entries?.includes(entry))) return false;
  return Object.entries(manifest.inputs ?? {}).every(([path, hash]) => fileHash(path) === hash);
}

/** The file of a fresh bundle entry (`<cache>/<set>/<build>/<entry>.mjs`), or undefined when it must be built. */
export function freshBundle(set, entry) {
  const manifest = currentManifest(set);
  return isFresh(set, manifest, [entry]) ? join(CACHE_ROOT, set, manifest.dir, `${entry}.mjs`) : undefined;
}

/** The bundle set of the `txcenter` command (entry `cli`) and the chaos drill's stack process (`chaosStack`). */
export const CLI_BUNDLES = 'txcenter-cli';
