/** Types of bin/prebuilt.mjs (plain JavaScript, so the `txcenter` command needs no compiler to check its bundle). */
export interface BundleManifest {
  /** Folder under the set's cache holding `<entry>.mjs` and shared chunks. */
  readonly dir: string;
  readonly entries: readonly string[];
  /** Every file the build read (sources, the builder, esbuild's package.json), with its SHA-1. */
  readonly inputs: Readonly<Record<string, string>>;
}

export const PROJECT_ROOT: string;
export const CACHE_ROOT: string;
export const CURRENT_FILE: string;
export function fileHash(relativePath: string): string | undefined;
export function currentManifest(set: string): BundleManifest | undefined;
export function isFresh(set: string, manifest: BundleManifest | undefined, entries: readonly string[]): manifest is BundleManifest;
export function freshBundle(set: string, entry: string): string | undefined;
export const CLI_BUNDLES: string;
