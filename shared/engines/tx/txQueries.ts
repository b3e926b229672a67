import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import { SqliteAdapter, sql } from 'kysely';
import { precompile } from './precompiledQuery';
import { TX_STATES } from './stateMachine';
import type { TxTables } from './tables';
import { BROKER_STATES } from './tables';

/** Arguments of the new-transaction INSERT (everything else is fixed: PREPARED, PUBLISH_PENDING, no handle yet). */
export interface InsertTxArgs extends Record<string, unknown> {
  txId: string;
  systemId: string;
  businessKey: string;
  topic: string;
  tag: string;
  payloadHash: string;
  body: string;
  properties: string | null;
  checkbackPath: string | null;
  at: number;
}

/** A timeline row; `state` null means the transaction's state when the row is written, `detail` is JSON text or NULL. */
export interface EventRow {
  txId: string;
  at: number;
  type: string;
  state: string | null;
  actor: string;
  detail: string | null;
}

/** Rows as the body of a derived table: one literal SELECT per row (bound parameters), `union all`. */
function valuesTable(rows: readonly Readonly<Record<string, unknown>>[]) {
  return sql.join(
    rows.map((row) => sql`select ${sql.join(Object.entries(row).map(([column, value]) => sql`${value} as ${sql.ref(column)}`))}`),
    sql` union all `,
  );
}

/**
 * The timeline rows of a batch of store writes in one multi-row INSERT, ids in the order the rows were
 * added: each row's state as given, or else its transaction's state when the row is written, read by a
 * subquery in its place (no read round trip). Plain VALUES rather than a derived table of every row
 * joined to `txc_tx`, which MariaDB parsed, materialized and sorted for about twice the server CPU.
 * A row without a state whose transaction no longer exists fails the statement (`state` is NOT NULL),
 * and so the write that added it. Both dialects.
 */
export function insertEvents(db: Kysely<TxTables>, rows: readonly EventRow[]): CompiledQuery {
  const values = rows.map(
    (r) =>
      sql`(${r.txId}, ${r.at}, ${r.type}, ${r.state ?? sql`(select state from txc_tx where tx_id = ${r.txId})`}, ${r.actor}, ${r.detail})`,
  );
  return sql`insert into txc_tx_event (tx_id, at, type, state, actor, detail) values ${sql.join(values)}`.compile(db);
}

/** A published half message's handle, for {@link markPublishedRows}. */
export interface PublishedRow {
  txId: string;
  messageId: string;
  receiptHandle: string;
  at: number;
}

/** A published plain event, for {@link markPlainPublishedRows}. */
export interface PlainPublishedRow {
  txId: string;
  messageId: string;
  at: number;
}

/** A delivered decision, for {@link markDeliveredRows}. */
export interface DeliveredRow {
  txId: string;
  at: number;
}

const isSqlite = (db: Kysely<TxTables>) => db.getExecutor().adapter instanceof SqliteAdapter;

/** An SQL fragment over the stored row, named `t` in {@link updateJoined}. */
type OverStored = (t: RawBuilder<unknown>) => RawBuilder<unknown>;

/**
 * One UPDATE of a batch's `txc_tx` rows joined to their values `v` (MySQL's multi-table UPDATE, SQLite's
 * UPDATE … FROM) instead of one per transaction. `set` lists the new values in order: MySQL runs the
 * assignments left to right, so a column another one compares must come after it.
 */
function updateJoined(
  db: Kysely<TxTables>,
  rows: readonly Readonly<Record<string, unknown>>[],
  set: readonly (readonly [column: string, value: OverStored])[],
  where?: OverStored,
): CompiledQuery {
  const values = valuesTable(rows);
  if (isSqlite(db)) {
    const t = sql.raw('txc_tx');
    const assignments = sql.join(set.map(([column, value]) => sql`${sql.ref(column)} = ${value(t)}`));
    return sql`update txc_tx set ${assignments} from (${values}) as v
      where txc_tx.tx_id = v.tx_id${where ? sql` and ${where(t)}` : sql``}`.compile(db);
  }
  const t = sql.raw('t');
  const assignments = sql.join(set.map(([column, value]) => sql`${sql.ref(`t.${column}`)} = ${value(t)}`));
  return sql`update txc_tx t join (${values}) v on t.tx_id = v.tx_id
    set ${assignments}${where ? sql` where ${where(t)}` : sql``}`.compile(db);
}

/** The batch's values column `name`. */
const fromValues =
  (name: string): OverStored =>
  () =>
    sql.ref(`v.${name}`);

/**
 * The handles of a batch's published half messages. A decision may already be stored (takeover
 * race): then only the handle is added (broker compared before any other column changes).
 */
export function markPublishedRows(db: Kysely<TxTables>, rows: readonly PublishedRow[]): CompiledQuery {
  const { publishPending, half } = BROKER_STATES;
  return updateJoined(
    db,
    rows.map((r) => ({ tx_id: r.txId, message_id: r.messageId, receipt_handle: r.receiptHandle, at: r.at })),
    [
      ['broker', (t) => sql`case when ${t}.broker = ${publishPending} then ${half} else ${t}.broker end`],
      ['message_id', fromValues('message_id')],
      ['receipt_handle', fromValues('receipt_handle')],
      ['updated_at', fromValues('at')],
    ],
  );
}

/** A batch's published plain events (their message ids). */
export function markPlainPublishedRows(db: Kysely<TxTables>, rows: readonly PlainPublishedRow[]): CompiledQuery {
  return updateJoined(
    db,
    rows.map((r) => ({ tx_id: r.txId, message_id: r.messageId, at: r.at })),
    [
      ['broker', () => sql`${BROKER_STATES.published}`],
      ['message_id', fromValues('message_id')],
      ['updated_at', fromValues('at')],
    ],
  );
}

/** A batch's delivered decisions (broker told); a transaction still PREPARED is left alone. */
export function markDeliveredRows(db: Kysely<TxTables>, rows: readonly DeliveredRow[]): CompiledQuery {
  return updateJoined(
    db,
    rows.map((r) => ({ tx_id: r.txId, at: r.at })),
    [
      ['broker', () => sql`${BROKER_STATES.decisionDelivered}`],
      ['updated_at', fromValues('at')],
    ],
    (t) => sql`${t}.state != ${TX_STATES.prepared}`,
  );
}

/**
 * The statements of every prepare + commit, compiled once per store (see {@link precompile}); the
 * rarer ones (takeover, failed publish, checks, timeline) stay ordinary Kysely queries, and the
 * timeline rows, handles and delivery marks are written per batch ({@link insertEvents},
 * {@link markPublishedRows}, {@link markPlainPublishedRows}, {@link markDeliveredRows}).
 */
export function compileTxQueries(db: Kysely<TxTables>) {
  return {
    get: precompile(['txId'], (a: { txId: string }) => db.selectFrom('txc_tx').selectAll().where('tx_id', '=', a.txId)),

    insertTx: precompile(
      ['txId', 'systemId', 'businessKey', 'topic', 'tag', 'payloadHash', 'body', 'properties', 'checkbackPath', 'at'],
      (a: InsertTxArgs) =>
        db.insertInto('txc_tx').values({
          tx_id: a.txId,
          system_id: a.systemId,
          business_key: a.businessKey,
          active_business_key: a.businessKey,
          topic: a.topic,
          tag: a.tag,
          payload_hash: a.payloadHash,
          body: a.body,
          properties: a.properties,
          checkback_path: a.checkbackPath,
          state: TX_STATES.prepared,
          broker: BROKER_STATES.publishPending,
          reason: null,
          message_id: null,
          receipt_handle: null,
          publish_claimed_at: a.at,
          check_count: 0,
          created_at: a.at,
          updated_at: a.at,
          decided_at: null,
        }),
    ),

    // Compare-and-set on PREPARED: of concurrent commit and rollback exactly one updates a row.
    decide: precompile(['txId', 'state', 'reason', 'at'], (a: { txId: string; state: string; reason: string; at: number }) =>
      db
        .updateTable('txc_tx')
        .set({
          state: a.state,
          broker: sql<string>`case when broker = ${BROKER_STATES.half} then ${BROKER_STATES.decisionPending} else broker end`,
          reason: a.reason,
          decided_at: a.at,
          updated_at: a.at,
        })
        .where('tx_id', '=', a.txId)
        .where('state', '=', TX_STATES.prepared),
    ),
  };
}

export type TxQueries = ReturnType<typeof compileTxQueries>;
