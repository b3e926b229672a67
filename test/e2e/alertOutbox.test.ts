import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'vitest';
import type { Stack } from '../../local/demo/stack';
import { COMPANION_SYSTEM, startStack } from '../../local/demo/stack';
import { DEMO_TIMING } from '../../local/demo/timing';
import { createScratchMysqlDatabase } from '../../local/scratchMysqlDatabase';
import { retryAsGatewayAsks } from '../../local/demo/retryAsGatewayAsks';
import { TxClient } from '../../shared/engines/client';
import { openDatabase } from '../../shared/adapters/store/openDatabase';
import { MYSQL_TEST_URL, mysqlUnavailableReason } from '../helpers/databases';
import { tempDir } from '../local/runtime/fixtures';
import { deletesDataOnClose } from './stackFixture';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * The demo's timing with timers five times as frequent: the reconciler, whose sweep re-sends an unsent
 * alert, runs every 3 s instead of 15 s (the resend delay, 5 s, is not scaled).
 */
const OUTBOX_TIMING = { ...DEMO_TIMING, timeScale: 5 * DEMO_TIMING.timeScale };
/** After the alert arrived, how many reconciler sweeps must end without it arriving again. */
const SWEEPS_WITHOUT_REPEAT = 2;

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

// The two dialects run side by side, each on its own stack: the test mostly waits for timers.
describe('E2E: a consumer alert survives a crash between commit and send', () => {
  for (const { dialect, skip } of CASES)
    it.skipIf(skip !== undefined).concurrent(
      `sends it exactly once after the consumer process is SIGKILLed mid-send and restarted (${dialect})`,
      async ({ expect, onTestFinished }) => {
        const cleanups: (() => Promise<void>)[] = [];
        onTestFinished(async () => {
          for (const cleanup of cleanups.reverse()) await cleanup();
        });
        const webhook = await holdingWebhook();
        cleanups.push(webhook.close);
        let txcenterDatabaseUrl: string | undefined;
        if (dialect === 'mysql') {
          const scratch = await createScratchMysqlDatabase(MYSQL_TEST_URL, 'txc_outbox');
          cleanups.push(scratch.drop);
          txcenterDatabaseUrl = scratch.url;
        }
        const stack: Stack = deletesDataOnClose(
          await startStack({
            dataDir: tempDir('txc-outbox-'),
            ports: { gateway: 0, trading: 0, console: 0, demo: 0, broker: 0 },
            timing: OUTBOX_TIMING,
            logLevel: 'error',
            alertWebhookUrl: webhook.url,
            txcenterDatabaseUrl,
          }),
        );
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
        const published = await retryAsGatewayAsks(() => companion.publishEvent(request));

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
        // The sender marks the incident sent once the webhook has answered.
        const sentRow = () =>
          txcenter.db
            .selectFrom('txc_alert_incident')
            .select(['sent_at', 'occurrences'])
            .where('incident_key', '=', incidentKey)
            .executeTakeFirstOrThrow();
        let sent = await sentRow();
        while (sent.sent_at === null && Date.now() < deadline) sent = await sleep(250).then(sentRow);
        expect(sent.sent_at).not.toBeNull();
        expect(Number(sent.occurrences)).toBe(1);
        // Whole sweeps since the send: a reconciler run stores its report after its resend step, and
        // dates it before that step, so only runs that began their resend after the send count.
        const sweepsSinceSend = async () =>
          Number(
            (
              await txcenter.db
                .selectFrom('txc_reconcile_report')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('finished_at', '>', Number(sent.sent_at))
                .executeTakeFirstOrThrow()
            ).n,
          );
        const sweepsDeadline = Date.now() + 60_000;
        while ((await sweepsSinceSend()) < SWEEPS_WITHOUT_REPEAT && Date.now() < sweepsDeadline) await sleep(250);
        expect(await sweepsSinceSend()).toBeGreaterThanOrEqual(SWEEPS_WITHOUT_REPEAT);
        expect(webhook.accepted).toHaveLength(1);
        expect(await sentRow()).toEqual(sent);
      },
      300_000,
    );
});
