/** Architecture rules (issue 13): checked by `npm test` through `depcruise`. */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'modules must not import each other in a circle', from: {}, to: { circular: true } },
    { name: 'shared-is-self-contained', severity: 'error', comment: 'shared/ is what the cloud bundles contain: it imports nothing from the local stack, tests, scripts or benchmarks',
      from: { path: '^shared/' }, to: { path: '^(local|test|scripts|bench|examples|functions)/' } },
    { name: 'domain-knows-no-platform', severity: 'error', comment: 'the fund domain is platform-neutral: no FC adapters, no MQ client',
      from: { path: '^shared/(touchpoints|tickets|journeys|compliance|archive|events)/' }, to: { path: '^shared/(fc|mq)/' } },
    { name: 'broker-core-knows-no-codec', severity: 'error', comment: 'broker layers point inward: http -> routes -> codec -> core -> storage',
      from: { path: '^local/broker/core/' }, to: { path: '^local/broker/(codec|http|routes)/' } },
    { name: 'production-code-knows-no-tests', severity: 'error', from: { path: '^(shared|local|functions|scripts|bench|examples)/' }, to: { path: '^test/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist|coverage)/' },
  },
};
