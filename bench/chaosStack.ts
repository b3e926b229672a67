/**
 * The stack `txcenter bench chaos` drives, as its own process so the drill can SIGKILL all of it:
 * `node <its prebuilt bundle, local/cli/prebuiltCli.ts> <dataDir> <portsJson> <timingJson> [<txcenter
 * database URL>]` (or `node --import tsx bench/chaosStack.ts …` with TXCENTER_LAUNCH=tsx); without a
 * URL the transaction center's store is SQLite in the data folder. Opens the drill's wallets, prints
 * one JSON line `{"ready":true,"urls":{…},"ports":{…}}` and stops cleanly on SIGTERM.
 */
import { startStack } from '../local/demo/stack';
import type { StackPorts } from '../local/demo/stack';
import type { StackTiming } from '../local/demo/timing';
import { CHAOS_CUSTOMERS } from './chaosPlan';

const [dataDir, portsJson, timingJson, txcenterDatabaseUrl] = process.argv.slice(2);
const stack = await startStack({
  dataDir: dataDir!,
  ports: JSON.parse(portsJson!) as StackPorts,
  timing: JSON.parse(timingJson!) as StackTiming,
  logLevel: 'error',
  pollersPerTrigger: 4,
  txcenterDatabaseUrl,
});
for (const customer of CHAOS_CUSTOMERS) await stack.trading.store.openWallet(customer, 0);
const port = (url: string) => Number(new URL(url).port);
const { urls } = stack;
const ports: StackPorts = {
  gateway: port(urls.gateway),
  trading: port(urls.trading),
  console: port(urls.console),
  demo: stack.demoServer.url ? port(stack.demoServer.url) : 0,
  broker: port(urls.broker),
};
process.stdout.write(`${JSON.stringify({ ready: true, urls, ports })}\n`);
const stop = () => void stack.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
