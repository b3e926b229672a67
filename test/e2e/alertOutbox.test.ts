import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Stack } from '../../local/demo/stack';
import { COMPANION_SYSTEM, startStack } from '../../local/demo/stack';
import { DEMO_TIMING } from '../../local/demo/timing';
import { createScratchMysqlDatabase } from '../../local/scratchMysqlDatabase';
import { TxClient, TxClientError } from '../../shared/engines/client';
import { openDatabase } from '../../shared/adapters/store/openDatabase';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../helpers/databases';
import { tempDir } from '../local/runtime/fixtures';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** After the alert arrived, how long to keep watching that it does not arrive again (two reconciler sweeps). */
const WATCH_FOR_REPEATS_MS = 35_000;

/**
 * An alert webhook that holds the first compliance alert unanswered (so the test can kill its sender
 * mid-send), then drops it — from the sender's side the alert was never confirmed — and accepts (and
 * counts) every later one.
 */
async function holdingWebhook() {
  const accepted: string[] = [];
  let held: { request: IncomingMessage; response: ServerResponse } | undefined;
  let onHeld: () => void = () => undefined;
  const firstHeld = new Promise<void>((resolve) => (onHeld = resolve));
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const title = (JSON.parse(body) as { markdown?: { title?: string } }).markdown?.title ?? '';
      if (title.startsWith('Compliance blocked') && !held) {
        held = { request, response };
        onHeld();
        return;
      }
      if (title.startsWith('Compliance blocked')) accepted.push(title);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/send`,
    accepted,
    firstHeld,
    dropHeld: () => held?.request.socket.destroy(),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const CASES = [
  { dialect: 'sqlite', skip: undefined },
  { dialect: 'mysql', skip: mysqlSkip },
] as const;

describe.each(CASES)('E2E: a consumer alert survives a crash between commit and send ($dialect)', ({ dialect, skip }) => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.skipIf(skip !== undefined)(
    'sends it exactly once after the consumer process is SIGKILLed mid-send and restarted',
    async () => {
      const webhook = await holdingWebhook();
      cleanups.push(webhook.close);
      let txcenterDatabaseUrl: string | undefined;
      if (dialect === 'mysql') {
        const scratch = await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_outbox');
        cleanups.push(scratch.drop);
        txcenterDatabaseUrl = scratch.url;
      }
      const stack: Stack = await startStack({
        dataDir: tempDir('txc-outbox-'),
        ports: { gateway: 0, trading: 0, console: 0, demo: 0, broker: 0 },
        timing: DEMO_TIMING,
        logLevel: 'error',
        alertWebhookUrl: webhook.url,
        txcenterDatabaseUrl,
      });
      cleanups.push(() => stack.close());

      // Operations content with a forbidden promise: consumer-compliance commits its verdict, then alerts.
      const companion = new TxClient({ baseUrl: stack.urls.gateway, systemId: COMPANION_SYSTEM.id, secret: COMPANION_SYSTEM.secret });
      const businessKey = `outbox-${dialect}-${Date.now()}`;
      const request = {
        topic: 'TXC_COMPANION',
        tag: 'OPERATIONS',
        businessKey,
        payload: {
          customerId: 'C10003',
          channel: 'sms',
          title: '保本保收益 Guaranteed',
          content: '本基金保本保收益，稳赚不赔！Guaranteed returns, principal protected!',
          productCode: '161725',
          productRisk: 'R4',
          customerRiskLevel: 'C2',
        },
      };
      // A plain event (TXC_COMPANION is normal), idempotent on the business key: retried as the gateway
      // says (a loaded machine can time the first call out while its publish is still in progress).
      const published = await publishWithRetries(() => companion.publishEvent(request));

      await webhook.firstHeld;
      const killed = stack.pids['consumer-compliance']!;
      process.kill(killed, 'SIGKILL');
      webhook.dropHeld();

      // The incident was committed with the verdict, unsent; the restarted process only sees a duplicate.
      const txcenter = await openDatabase(stack.txcenterDatabaseUrl);
      cleanups.push(() => txcenter.close());
      const incidentKey = `compliance-violation:${published.eventId}`;
      const incident = await txcenter.db
        .selectFrom('txc_alert_incident')
        .selectAll()
        .where('incident_key', '=', incidentKey)
        .executeTakeFirstOrThrow();
      expect(incident.sent_at).toBeNull();
      expect(incident.text).toMatch(/保本|guarantee/i);

      const deadline = Date.now() + 90_000;
      while (webhook.accepted.length === 0 && Date.now() < deadline) await sleep(250);
      expect(webhook.accepted).toHaveLength(1);
      expect(stack.functionStatus()['consumer-compliance']).toMatchObject({ restarts: 1, state: 'running' });
      await sleep(WATCH_FOR_REPEATS_MS);
      expect(webhook.accepted).toHaveLength(1);
      const sent = await txcenter.db
        .selectFrom('txc_alert_incident')
        .select(['sent_at', 'occurrences'])
        .where('incident_key', '=', incidentKey)
        .executeTakeFirstOrThrow();
      expect(sent.sent_at).not.toBeNull();
      expect(Number(sent.occurrences)).toBe(1);
    },
    300_000,
  );
});

/** Calls `publish` again while its failure is retryable, waiting as long as the gateway asks (up to 60 s in all). */
async function publishWithRetries<T>(publish: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await publish();
    } catch (error) {
      if (!(error instanceof TxClientError) || !error.retryable || Date.now() > deadline) throw error;
      await sleep((error.retryAfterSeconds ?? 1) * 1_000);
    }
  }
}
