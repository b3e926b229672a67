import type { Kysely, Transaction } from 'kysely';
import type { Logger } from '../../logger';
import { insertCommitBarrier } from './barrier';
import { TxAlreadyDecidedError } from './errors';
import type { PrepareInput, TxClient, TxResponse } from './TxClient';

export interface RunInTransactionResult<T> {
  readonly txId: string;
  readonly result: T;
  /** The commit answer, or undefined when the commit call failed (check-back commits from the barrier). */
  readonly commit: TxResponse | undefined;
}

/**
 * Prepare → local transaction (barrier row + your effects) → commit; rollback when the work throws.
 * The barrier row makes check-back automatic: `checkbackHandler(db)` answers COMMIT exactly when
 * this local transaction committed. Works with Kysely over SQLite or MySQL.
 *
 * Why each failure is safe: prepare fails → nothing happened, the error propagates. Work throws →
 * local rollback, then a best-effort gateway rollback (if lost, check-back finds no barrier → ROLLBACK).
 * Commit call fails after the local commit → the barrier row says COMMIT, so check-back commits.
 *
 * @throws TxAlreadyDecidedError when the businessKey's transaction is already decided (work not run again)
 * @example
 * await runInTransaction(client, db, { topic, tag, businessKey: orderId, payload }, async (trx, { txId }) => {
 *   await trx.insertInto('wallet_topup').values({ order_id: orderId, tx_id: txId, amount_fen: 100_000 }).execute();
 * });
 */
export async function runInTransaction<T>(
  client: TxClient,
  db: Kysely<any>,
  message: PrepareInput,
  work: (trx: Transaction<any>, tx: { txId: string }) => Promise<T>,
  options: { logger?: Pick<Logger, 'warn'>; now?: () => number } = {},
): Promise<RunInTransactionResult<T>> {
  const prepared = await client.prepare(message);
  const { txId } = prepared;
  if (prepared.state !== 'PREPARED') throw new TxAlreadyDecidedError(txId, prepared.state);
  let result: T;
  try {
    result = await db.transaction().execute(async (trx) => {
      await insertCommitBarrier(trx, txId, (options.now ?? Date.now)());
      return work(trx, { txId });
    });
  } catch (error) {
    await client.rollback(txId).catch((rollbackError: unknown) => {
      options.logger?.warn({ txId, err: rollbackError }, 'rollback call failed; check-back will roll back from the barrier');
    });
    throw error;
  }
  // The local commit is durable: from here on every check answers COMMIT.
  const commit = await client.commit(txId).catch((commitError: unknown) => {
    options.logger?.warn({ txId, err: commitError }, 'commit call failed; check-back will commit from the barrier');
    return undefined;
  });
  return { txId, result, commit };
}
