/**
 * The settings the functions of a local stack in `dataDir` run with (its SQLite file, the broker and
 * webhook on their default ports), overridden by this process's environment (e.g. a MySQL URL) — so
 * `txcenter reconcile` and `txcenter dlq` work against `txcenter start` with no configuration.
 */
export async function localStackEnvironment(dataDir: string): Promise<Record<string, string | undefined>> {
  const { functionEnvironment, DEFAULT_PORTS } = await import('../demo/stack');
  const { PRODUCTION_TIMING } = await import('../demo/timing');
  const local = 'http://127.0.0.1:';
  const defaults = functionEnvironment(
    { dataDir, ports: { ...DEFAULT_PORTS }, timing: PRODUCTION_TIMING },
    {
      broker: `${local}${DEFAULT_PORTS.broker}`,
      trading: `${local}${DEFAULT_PORTS.trading}`,
      tradingCheckback: `${local}${DEFAULT_PORTS.trading}/txc/checkback`,
      companionCheckback: `${local}${DEFAULT_PORTS.demo}/companion/checkback`,
      alerts: `${local}${DEFAULT_PORTS.demo}/webhook/alerts`,
    },
  );
  return { ...defaults, ...process.env };
}
