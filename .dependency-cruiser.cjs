/**
 * Architecture rules (issue 13), checked by `npm test`. shared/ has three layers:
 *   adapters/ (fc: FC triggers, mq: the MQ HTTP SDK, store: SQL)  — the platform;
 *   engines/  (tx, consumer, checkback, dlq, reconcile, alert, catalog, …) — the transaction center;
 *   domain/   (touchpoints, tickets, journeys, compliance, archive, …) — the fund companion.
 * FC trigger adapters call engines, never the reverse (Hono: adapters point inward); the domain plugs
 * into the engines and knows no platform.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'modules must not import each other in a circle', from: {}, to: { circular: true } },
    {
      name: 'shared-is-self-contained',
      severity: 'error',
      comment: 'shared/ is what the cloud bundles contain: nothing from the local stack, tests, scripts, benchmarks, examples or functions',
      from: { path: '^shared/' },
      to: { path: '^(local|test|scripts|bench|examples|functions)/' },
    },
    {
      name: 'engines-know-no-fc',
      severity: 'error',
      comment: 'FC trigger adapters call the engines; an engine never imports an FC adapter',
      from: { path: '^shared/engines/' },
      to: { path: '^shared/adapters/fc/' },
    },
    {
      name: 'engines-know-no-domain',
      severity: 'error',
      comment:
        'the domain plugs into the engines (handlers, rules, checks); an engine names it only in its composition root (create*.ts and the config it reads), which wires domain checks in',
      from: { path: '^shared/engines/', pathNot: '^shared/engines/[^/]+/(create[A-Z][^/]*|config)[.]ts$' },
      to: { path: '^shared/domain/' },
    },
    {
      name: 'domain-knows-no-platform',
      severity: 'error',
      comment: 'the fund domain is platform-neutral: no FC adapter, no MQ client',
      from: { path: '^shared/domain/' },
      to: { path: '^shared/adapters/(fc|mq)/' },
    },
    {
      name: 'broker-core-knows-no-codec',
      severity: 'error',
      comment: 'broker layers point inward: http -> codec -> core -> storage',
      from: { path: '^local/broker/core/' },
      to: { path: '^local/broker/(codec|http)/' },
    },
    {
      name: 'production-code-knows-no-tests',
      severity: 'error',
      from: { path: '^(shared|local|functions|scripts|bench|examples)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist|coverage)/' },
  },
};
