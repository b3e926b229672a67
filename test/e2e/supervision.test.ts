import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { LOCAL_TRADING_SYSTEM } from '../../examples/trading';
import { TxClient } from '../../shared/engines/client';
import type { Stack } from '../../local/demo/stack';
import { LOG_FILE } from '../../local/cli/commands/start';
import { LOCAL_CONSOLE_USERS, readFunctionStatuses } from '../../local/demo/stack';
import { isAlive } from '../../local/runtime/processes';
import { tempDir } from '../local/runtime/fixtures';
import { startTestStack, until } from './stackFixture';

const CLI = fileURLToPath(new URL('../../bin/txcenter.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('E2E: the local runtime supervises its function processes', () => {
  let stack: Stack | undefined;

  afterAll(async () => {
    await stack?.close();
  });

  it('restarts a SIGKILLed function on its port with a restart count, and purchases flow again', async () => {
    stack = await startTestStack();
    const gatewayUrl = stack.urls.gateway;
    const killed = { gateway: stack.pids['tx-gateway']!, orchestration: stack.pids['consumer-orchestration']! };
    process.kill(killed.gateway, 'SIGKILL');
    process.kill(killed.orchestration, 'SIGKILL');
    const restarted = await until('both restarted', 60_000, () => {
      const status = stack!.functionStatus();
      const gateway = status['tx-gateway']!;
      const orchestration = status['consumer-orchestration']!;
      return gateway.state === 'running' &&
        orchestration.state === 'running' &&
        gateway.pid !== killed.gateway &&
        orchestration.pid !== killed.orchestration
        ? status
        : undefined;
    });
    for (const name of ['tx-gateway', 'consumer-orchestration']) {
      expect(restarted[name]).toMatchObject({ restarts: 1, lastExit: { code: null, signal: 'SIGKILL' } });
    }
    expect(restarted['consumer-ops']).toMatchObject({ restarts: 0, state: 'running' });
    // The state is also on disk for a console or a drill that is not in this process.
    await until('the status file shows the restart', 5_000, () =>
      readFunctionStatuses(stack!.dataDir)['tx-gateway']?.restarts === 1 ? true : undefined,
    );
    expect(stack.urls.gateway).toBe(gatewayUrl);
    // …and tx-console's /metrics reads it there (a Prometheus alert on restarts sees it).
    await until('the console shows the restarts', 15_000, async () => {
      const metrics = await fetch(`${stack!.urls.console}/metrics`, {
        headers: { authorization: `Bearer ${LOCAL_CONSOLE_USERS.operator.token}` },
      }).then((response) => response.text());
      return metrics.includes('txcenter_local_function_restarts{fn="tx-gateway"} 1') &&
        metrics.includes('txcenter_local_function_restarts{fn="consumer-orchestration"} 1') &&
        metrics.includes('txcenter_local_function_restarts{fn="consumer-ops"} 0')
        ? true
        : undefined;
    });

    // The restarted gateway (same port) and orchestration consumer complete a discount purchase.
    const trading = stack.trading.database.db;
    await stack.trading.store.openWallet('SUP1', 0);
    const response = await fetch(`${stack.urls.trading}/discount-purchase`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'SUP1', fundCode: '110011', amount: '12.00' }),
    });
    const answer = (await response.json()) as { txId?: string; outcome?: string };
    expect(response.status).toBe(201);
    await until(
      'the slave purchase',
      60_000,
      async () =>
        (await trading
          .selectFrom('trading_order')
          .select('tx_id')
          .where('tx_id', '=', answer.txId!)
          .where('kind', '=', 'FUND_PURCHASE')
          .executeTakeFirst()) ?? undefined,
    );
  }, 240_000);

  it('stops `txcenter start` and every function process within a few seconds of SIGTERM; its JSON logs go to a file, not the terminal', async () => {
    const dataDir = tempDir('txc-stop-');
    const ports = ['--gateway-port', '--broker-port', '--trading-port', '--console-port', '--alerts-port'].flatMap((option) => [
      option,
      '0',
    ]);
    // info level, so the stack and every function do log something.
    const child = spawn(process.execPath, [CLI, 'start', '--no-demo', '--log-level', 'info', '--data', dataDir, ...ports], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    onTestFinished(async () => {
      // A failed test leaves the stack running: SIGKILL it (its function processes follow: their stdin closes).
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    });
    await until('the stack to be up', 120_000, () => (output.includes('Press Ctrl+C') ? true : undefined));
    const pids = Object.values(readFunctionStatuses(dataDir)).map((fn) => fn.pid!);
    expect(pids.length).toBeGreaterThan(5);
    expect(pids.every(isAlive)).toBe(true);
    // Callers hold keep-alive connections (fetch pools them): a stop must not wait for them to idle out.
    const urlOf = (label: string) => new RegExp(`${label}\\s+(http://\\S+)`).exec(output)![1]!;
    expect((await fetch(`${urlOf('tx-gateway')}/v1/transactions/none`)).status).toBe(401);
    expect((await fetch(`${urlOf('console')}/`)).status).toBeLessThan(500);
    // And a business system's client (a pooled node:http connection that never idles out by itself)
    // has a prepare in flight when the stop begins: held inside tx-gateway by the database's write lock.
    const client = new TxClient({ baseUrl: urlOf('tx-gateway'), systemId: LOCAL_TRADING_SYSTEM.id, secret: LOCAL_TRADING_SYSTEM.secret });
    const warm = await client.prepare({
      topic: 'TXC_FUND_TRADE',
      tag: 'DISCOUNT_PURCHASE',
      businessKey: 'STOP-0',
      payload: { orderId: 'STOP-0', customerId: 'STOP1', fundCode: '110011', amount: '1.00', feeRate: '0.0000' },
    });
    expect(warm.state).toBe('PREPARED'); // the gateway has its database open; the keep-alive connection is pooled
    const lock = new Sqlite(join(dataDir, 'txcenter.db'));
    const payload = { orderId: 'STOP-1', customerId: 'STOP1', fundCode: '110011', amount: '1.00', feeRate: '0.0000' };
    lock.exec('BEGIN IMMEDIATE');
    const inFlight = client.prepare({ topic: 'TXC_FUND_TRADE', tag: 'DISCOUNT_PURCHASE', businessKey: 'STOP-1', payload }).then(
      (tx) => tx.state,
      (error: Error) => error.message,
    );
    await sleep(500);

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await sleep(500);
    lock.exec('ROLLBACK'); // the prepare completes, on its keep-alive connection, while the stack stops
    lock.close();
    expect(await inFlight).toBe('PREPARED');
    expect(await exited).toBe(0);
    const stopMs = Date.now() - signalledAt;
    console.log(`txcenter start stopped ${stopMs} ms after SIGTERM`);
    expect(stopMs).toBeLessThan(10_000);
    expect(pids.filter(isAlive)).toEqual([]);
    const functions = Object.entries(readFunctionStatuses(dataDir));
    expect(functions).toHaveLength(pids.length);
    expect(functions.every(([, fn]) => fn.state === 'stopped')).toBe(true);
    // Each function process exited on SIGTERM by itself (servers, pollers and timers closed), none
    // had to be SIGKILLed when the grace period ran out.
    expect(functions.filter(([, fn]) => fn.killedAfterGrace).map(([name]) => name)).toEqual([]);

    // The terminal had the human progress only; the log file, whose path it printed, has the JSON lines.
    const logFile = join(dataDir, LOG_FILE);
    expect(output).toContain(`Logs (JSON lines): ${logFile}`);
    expect(output.split('\n').filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    expect(existsSync(logFile)).toBe(true);
    const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
    const logged = lines.map((line) => JSON.parse(line) as { fn?: string; msg?: string });
    expect(logged.some((line) => line.fn === 'stack' && line.msg === 'function process ready')).toBe(true);
    expect(logged.some((line) => line.fn === 'tx-gateway' || line.fn === 'runtime')).toBe(true); // a function process's own line
  }, 180_000);
});
