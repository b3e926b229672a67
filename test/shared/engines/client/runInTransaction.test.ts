import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessSystems } from '../../../../shared/engines/auth';
import {
  checkbackHandler,
  ensureBarrierTable,
  insertCommitBarrier,
  runInTransaction,
  TxClient,
  TxClientError,
} from '../../../../shared/engines/client';
import { createLogger } from '../../../../shared/logger';
import { createTxGatewayApp } from '../../../../shared/engines/txgateway';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';
import { serveHttpApp } from '../../../helpers/httpAppServer';
import type { TxCenterFixture } from '../../../helpers/txCenter';
import { drainTopic, drainUntilKey, FUND_TRADE, startTxCenter } from '../../../helpers/txCenter';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

let center: TxCenterFixture;
let gateway: Awaited<ReturnType<typeof serveHttpApp>>;
let client: TxClient;
let n = 0;
const key = () => `order-${Date.now()}-${++n}`;

beforeAll(async () => {
  center = await startTxCenter(await DATABASE_CASES[0].open());
  const registry = new BusinessSystems(center.systems);
  gateway = await serveHttpApp(
    createTxGatewayApp({ coordinator: center.coordinator, secretOf: registry.secretOf, logger: createLogger('test', 'silent') }),
  );
  client = new TxClient({ baseUrl: gateway.url, systemId: center.systems[0]!.id, secret: center.systems[0]!.secret });
});
afterAll(async () => {
  await gateway?.close();
  await center?.close();
});

describe('Class: TxClient', () => {
  it('signs requests over real HTTP and surfaces gateway errors as typed errors', async () => {
    const prepared = await client.prepare({ ...FUND_TRADE, businessKey: key(), payload: { amount: '1.00' } });
    expect(prepared.state).toBe('PREPARED');
    expect((await client.status(prepared.txId)).timeline?.[0]?.type).toBe('PREPARED');
    await client.rollback(prepared.txId);
    await expect(client.commit(prepared.txId)).rejects.toMatchObject({ name: 'TxClientError', code: 'TX_STATE_CONFLICT', status: 409 });
    const stranger = new TxClient({ baseUrl: gateway.url, systemId: 'fund-trading', secret: 'wrong-secret-0123456789abcdefghijklmn' });
    await expect(stranger.status(prepared.txId)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    const offline = new TxClient({ baseUrl: 'http://127.0.0.1:9', systemId: 'x', secret: 'y' });
    await expect(offline.status('tx-1')).rejects.toBeInstanceOf(TxClientError);
  });
});

describe.each(DATABASE_CASES)('Function: runInTransaction on $dialect', ({ dialect, open }) => {
  const maybe = it.skipIf(dialect === 'mysql' && mysqlSkip !== undefined);
  const withBusinessDb = async (body: (db: Awaited<ReturnType<typeof open>>['db']) => Promise<void>) => {
    const database = await open();
    try {
      await ensureBarrierTable(database.db);
      await database.db.schema
        .createTable('wallet_topup')
        .ifNotExists()
        .addColumn('order_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('tx_id', 'varchar(64)')
        .execute();
      await body(database.db);
    } finally {
      await database.close();
    }
  };

  maybe('happy path: business row + barrier commit together, the message is delivered', () =>
    withBusinessDb(async (db) => {
      const orderId = key();
      const { txId, commit } = await runInTransaction(
        client,
        db,
        { ...FUND_TRADE, businessKey: orderId, payload: { orderId } },
        async (trx, tx) => {
          await trx.insertInto('wallet_topup').values({ order_id: orderId, tx_id: tx.txId }).execute();
        },
      );
      expect(commit).toMatchObject({ state: 'COMMITTED', delivery: 'done' });
      expect(await checkbackHandler(db)(txId)).toBe('COMMIT');
      expect((await drainUntilKey(center.mq, FUND_TRADE.topic, 'GID_TXC_ORCH_TRADE', txId)).filter((m) => m.key === txId)).toHaveLength(1);
    }),
  );

  maybe('main transaction fails: local rollback, gateway rollback, nothing delivered', () =>
    withBusinessDb(async (db) => {
      const orderId = key();
      let seenTxId = '';
      await expect(
        runInTransaction(client, db, { ...FUND_TRADE, businessKey: orderId, payload: { orderId } }, async (trx, tx) => {
          seenTxId = tx.txId;
          await trx.insertInto('wallet_topup').values({ order_id: orderId, tx_id: tx.txId }).execute();
          throw new Error('insufficient balance');
        }),
      ).rejects.toThrow('insufficient balance');
      expect(await db.selectFrom('wallet_topup').selectAll().where('order_id', '=', orderId).execute()).toEqual([]);
      expect((await client.status(seenTxId)).state).toBe('ROLLED_BACK');
      expect(await checkbackHandler(db)(seenTxId)).toBe('ROLLBACK');
      expect((await drainTopic(center.mq, FUND_TRADE.topic, 'GID_TXC_DATACENTER_TRADE', 2_500)).filter((m) => m.key === seenTxId)).toEqual(
        [],
      );
    }),
  );

  maybe('check-back before the local transaction wins: the late barrier insert fails', () =>
    withBusinessDb(async (db) => {
      expect(await checkbackHandler(db)('tx-early')).toBe('ROLLBACK');
      expect(await checkbackHandler(db)('tx-early')).toBe('ROLLBACK');
      await expect(db.transaction().execute((trx) => insertCommitBarrier(trx, 'tx-early', Date.now()))).rejects.toThrow();
    }),
  );

  it.skipIf(dialect !== 'mysql' || mysqlSkip !== undefined)(
    'a check during an open local transaction waits for it and answers COMMIT',
    () =>
      withBusinessDb(async (db) => {
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let inserted!: () => void;
        const barrierWritten = new Promise<void>((resolve) => (inserted = resolve));
        const local = db.transaction().execute(async (trx) => {
          await insertCommitBarrier(trx, 'tx-race', Date.now());
          inserted();
          await gate;
        });
        await barrierWritten;
        const answer = checkbackHandler(db)('tx-race');
        await sql`select sleep(0.2)`.execute(db);
        release();
        await local;
        expect(await answer).toBe('COMMIT');
      }),
  );
});
