import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TxTables } from '../../shared/engines/tx';
import { DATABASE_CASES } from '../helpers/databases';
import type { TxCenterFixture } from '../helpers/txCenter';
import { FUND_TRADE, startTxCenter } from '../helpers/txCenter';
import { deepJsonText, hostileJson, nastyString, propertyParameters } from './properties';

// Signed requests with generated methods, paths and bodies against the real gateway app, SQLite store
// and local broker: no client input may cause a 5xx, every refusal has the typed error shape and
// leaves the transaction tables exactly as they were.

let center: TxCenterFixture;
/** Transactions this run created, so generated commits/rollbacks/status reads also hit real ones. */
const created: string[] = [];

beforeAll(async () => {
  center = await startTxCenter(await DATABASE_CASES[0].open());
});
afterAll(async () => center?.close());

async function rowCounts(): Promise<{ tx: number; events: number }> {
  const { db } = center.database as { db: Kysely<TxTables> };
  const count = async (table: 'txc_tx' | 'txc_tx_event') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { tx: await count('txc_tx'), events: await count('txc_tx_event') };
}

const validKey = fc.stringMatching(/^[A-Za-z0-9_.:\-/]{1,20}$/);

const prepareBody = fc.record(
  {
    topic: fc.oneof(fc.constant(FUND_TRADE.topic), fc.constant('TXC_DEAD_LETTER'), nastyString(70)),
    tag: fc.oneof(fc.constant(FUND_TRADE.tag), nastyString(70)),
    businessKey: fc.oneof(validKey, nastyString(140)),
    payload: hostileJson,
    keys: fc.oneof(
      fc.array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/), { maxLength: 10 }),
      fc.array(nastyString(70), { maxLength: 3 }),
      hostileJson,
    ),
    checkback: fc.oneof(fc.record({ path: fc.oneof(fc.constant('/txc/checkback'), nastyString(300)) }), hostileJson),
    extra: hostileJson,
  },
  { requiredKeys: ['topic', 'tag', 'businessKey', 'payload'] },
);

/** A well-formed prepare around a hostile payload: it reaches the coordinator, the store and the broker. */
const validPrepare = fc.record(
  {
    topic: fc.constant(FUND_TRADE.topic),
    tag: fc.constant(FUND_TRADE.tag),
    businessKey: validKey,
    payload: hostileJson,
    keys: fc.array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), { maxLength: 8 }),
    checkback: fc.record({ path: fc.constantFrom('/txc/checkback', '/a/b-c_d.e~f') }),
  },
  { requiredKeys: ['topic', 'tag', 'businessKey', 'payload'] },
);

/** A prepare whose payload is raw JSON text nested up to 30 000 levels. */
const deepPrepare = fc
  .tuple(validKey, deepJsonText)
  .map(
    ([businessKey, payload]) =>
      `{"topic":"${FUND_TRADE.topic}","tag":"${FUND_TRADE.tag}","businessKey":"${businessKey}","payload":${payload}}`,
  );

const body = fc.oneof(
  { weight: 4, arbitrary: validPrepare.map((value) => JSON.stringify(value)) },
  { weight: 4, arbitrary: prepareBody.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: deepPrepare },
  { weight: 1, arbitrary: hostileJson.map((value) => JSON.stringify(value) ?? '') },
  { weight: 1, arbitrary: nastyString(200) },
  { weight: 1, arbitrary: fc.constant('') },
);

type Target = { kind: 'prepare' } | { kind: 'known'; index: number; suffix: string } | { kind: 'raw'; path: string };

const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'prepare' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('known' as const),
      index: fc.nat(),
      suffix: fc.constantFrom('', '/commit', '/rollback', '/x', '/commit/'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(nastyString(80), fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/))
      .map((id) => ({ kind: 'raw' as const, path: `/v1/transactions/${id}` })),
  },
  { weight: 1, arbitrary: nastyString(80).map((path) => ({ kind: 'raw' as const, path: `/${path}` })) },
);

function pathOf(t: Target): string {
  if (t.kind === 'prepare') return '/v1/transactions';
  if (t.kind === 'raw') return t.path;
  return `/v1/transactions/${created.length === 0 ? 'tx-none' : created[t.index % created.length]}${t.suffix}`;
}

describe('Hostile input: tx-gateway (generated)', () => {
  it('answers every signed request below 500, refusals typed and without writes', async () => {
    const method = fc.oneof(
      { weight: 6, arbitrary: fc.constant('POST') },
      { weight: 3, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'post') },
    );
    await fc.assert(
      fc.asyncProperty(method, target, body, async (verb, where, text) => {
        const path = pathOf(where);
        const before = await rowCounts();
        const response = await center.call(center.systems[0]!, verb, path, text);
        expect(response.statusCode, `${verb} ${path}`).toBeLessThan(500);
        expect(response.body).not.toContain(center.broker.url.replace('http://', ''));
        if (response.statusCode >= 400) {
          expect(response.json).toEqual({
            error: {
              code: expect.stringMatching(/^[A-Z][A-Z_]+$/),
              message: expect.stringMatching(/\S/),
              ...(response.json.error?.details ? { details: expect.anything() } : {}),
            },
          });
          expect(await rowCounts()).toEqual(before);
        } else if (response.statusCode === 201) {
          created.push(response.json.txId);
        }
      }),
      propertyParameters('tx-gateway', 300),
    );
    // The run must have reached the store and the broker, not only the validation.
    expect(created.length).toBeGreaterThan(10);
  });
});
