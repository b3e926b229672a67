// Preloaded (NODE_OPTIONS --require) into the function processes by `txcenter bench e2e --count-round-trips`:
// counts the queries mysql2 sends, one round trip each, and those that end with a COMMIT, from mysql2's
// diagnostics channels, and keeps <TXC_BENCH_ROUND_TRIP_DIR>/<pid>.json up to date for the bench to read.
'use strict';
const { tracingChannel } = require('node:diagnostics_channel');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.TXC_BENCH_ROUND_TRIP_DIR;
if (dir) {
  const counts = { queries: 0, commits: 0 };
  let written = 0;
  const start = ({ query }) => {
    counts.queries += 1;
    if (/commit\s*$/i.test(String(query))) counts.commits += 1;
  };
  for (const name of ['mysql2:query', 'mysql2:execute']) tracingChannel(name).subscribe({ start });
  // Every 100 ms when changed: the bench waits longer than that before it reads the counts of a run.
  setInterval(() => {
    if (written === counts.queries) return;
    written = counts.queries;
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(counts));
  }, 100).unref();
}
