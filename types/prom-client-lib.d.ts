// prom-client 15.1.3's classes imported by file: its index also loads the cluster aggregator, the push
// gateway client, default process metrics and summaries (67 KB minified in a bundle; these three files
// and their helpers are 10 KB). Each file is `module.exports = Class`; the types are the package's own.
declare module 'prom-client/lib/registry' {
  import { Registry } from 'prom-client';
  export = Registry;
}
declare module 'prom-client/lib/gauge' {
  import { Gauge } from 'prom-client';
  export = Gauge;
}
declare module 'prom-client/lib/counter' {
  import { Counter } from 'prom-client';
  export = Counter;
}
