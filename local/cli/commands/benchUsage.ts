/**
 * `txcenter bench <name> --help`: each benchmark's own options. Kept here, not in the bench modules,
 * so `--help` loads none of a benchmark's imports; test/local/cli/help.test.ts checks that every
 * option a bench parses is listed in its text.
 */
const JSON_LINE = '  --json                 print the headline figures as one JSON object (progress goes to stderr)';
const PROFILE_LINE = '  --profile-dir <dir>    write CPU profiles of the processes there';

export const BENCH_USAGE: Readonly<Record<string, string>> = {
  broker: `Usage: txcenter bench broker [options]

End-to-end throughput of the local broker with the real SDK (publish → every group consumes and acks),
against the publish-only ceiling of the same client; then publishHalf + commit pairs and the broker's
CPU per pair.

  --producers <n>              concurrent producers (default 32)
  --messages <n>               messages to publish (default 20000)
  --groups <n>                 consumer groups (default 2)
  --consumers-per-group <n>    consumers per group (default 4)
  --size <bytes>               message body size (default 1024)
  --transactions <n>           publishHalf + commit pairs (default 4000)
${JSON_LINE}
${PROFILE_LINE}`,
  tx: `Usage: txcenter bench tx [options]

Prepare + commit round trips through tx-gateway against the local broker (a child process): tx/s,
p50/p99 latency and CPU per transaction, per concurrency level.

  --concurrency <list>   concurrent callers per run, comma-separated (default 8,32,64,128)
  --transactions <n>     transactions per run (default 4000)
  --mysql <url>          transaction store on a scratch database of this MySQL server (default SQLite)
  --compare-mysql <url>  each level on SQLite and right after on MySQL, with the ratios
${JSON_LINE}
${PROFILE_LINE}`,
  e2e: `Usage: txcenter bench e2e [options]

Committed discount purchases per second through the whole local stack, every function in its own
process; latency from the purchase request to the slave effect.

  --purchases <n>        purchases per run (default 1500)
  --concurrency <list>   concurrent buyers per run, comma-separated (default 8,32,96)
  --pollers <n>          pull loops per MQ trigger (default 8)
  --mysql <url>          transaction store on a scratch database of this MySQL server (default SQLite)
  --compare-mysql <url>  two stacks, each level on SQLite and right after on MySQL, with the ratios
  --count-round-trips    on MySQL, also count each function process's queries (round trips) and
                         COMMITs per purchase (a preloaded counter on mysql2's diagnostics channel)
${JSON_LINE}
${PROFILE_LINE}`,
  store: `Usage: txcenter bench store [options]

The transaction store alone (the five store calls of one gateway transaction), SQLite and MySQL back to
back in one run: tx/s, CPU per transaction and the MySQL/SQLite ratios.

  --compare-mysql <url>  MySQL server for the scratch database (default mysql://root@127.0.0.1:3306/test)
  --concurrency <n>      concurrent callers (default 32)
  --transactions <n>     transactions per round (default 3000)
  --rounds <n>           rounds per store, alternating (default 2)
${JSON_LINE}`,
  coldstart: `Usage: txcenter bench coldstart [options]

Per function: bundle size and the median time in a fresh node process from require to the answer to a
first sample event.

  --runs <n>             runs per function (default 5)
  --mysql-url <url>      MySQL server for the scratch database (default mysql://root@127.0.0.1:3306/test)
  --source-maps          also measure with --enable-source-maps and the map beside the bundle
${JSON_LINE}`,
  console: `Usage: txcenter bench console [options]

Seeds a busy week (100 000 transactions, 1 000 000 consumption records, …) and measures p50/p95 of each
console page's queries and of /metrics.

  --runs <n>             runs per page, at least 5 (default 40)
  --mysql <url>          seed a scratch database on this MySQL server (default SQLite)
${JSON_LINE}`,
  startup: `Usage: txcenter bench startup [options]

\`txcenter start --no-demo\` as its own process: time to a ready stack, to every function process back
after all were SIGKILLed, and to a clean stop; prebuilt bundles versus tsx (TXCENTER_LAUNCH=tsx).

  --runs <n>             runs per launch mode, alternating (default 3)
${JSON_LINE}`,
  chaos: `Usage: txcenter bench chaos [options]

The crash drill: discount purchases while single function processes, and every fifth time the whole
stack, are SIGKILLed; then the consistency verdict from the databases.

  --purchases <n>        purchases (default 300)
  --kills <n>            kills spread over the purchases, 0 for none (default 5)
  --concurrency <n>      concurrent buyers (default 16)
  --mysql <url>          the transaction center's store on a scratch database of this MySQL server
                         (e.g. mysql://root@127.0.0.1:3306/test), not SQLite
  --compare              first run the same purchases without kills and report the time ratio
${JSON_LINE}`,
};
