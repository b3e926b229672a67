import type { Kysely, Transaction } from 'kysely';
import { SqliteAdapter } from 'kysely';

/**
 * A store write: statements run inside a transaction the writer owns. A job must have no effect
 * outside the database, because {@link GroupCommitWriter} may undo it and run it again.
 */
export type WriteJob<DB, T> = (trx: Transaction<DB>) => Promise<T>;

/** Runs store writes, each resolved only after its transaction has committed. */
export interface TxWriter<DB> {
  write<T>(job: WriteJob<DB, T>): Promise<T>;
}

/** Most writes committed together; bounds how long one batch holds SQLite's only connection. */
export const MAX_WRITES_PER_COMMIT = 64;

interface Pending<DB> {
  readonly job: WriteJob<DB, unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: every write queued during one event-loop turn runs in one transaction,
 * so N concurrent requests pay for one BEGIN/COMMIT (and one WAL append of the shared pages)
 * instead of N. SQLite has a single connection anyway, so writes were already serialized: batching
 * takes no concurrency away. Each caller is answered only after the COMMIT, so "stored durably
 * before acting" holds exactly as with one transaction per write. If anything in a batch fails, the
 * batch is rolled back and each job is run again in its own transaction, so only the failing one
 * sees the error.
 */
export class GroupCommitWriter<DB> implements TxWriter<DB> {
  private queue: Pending<DB>[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<DB>) {}

  write<T>(job: WriteJob<DB, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        // setImmediate, not a microtask: let this turn's other I/O callbacks queue their writes too.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_WRITES_PER_COMMIT);
      await this.commit(batch);
    }
    this.flushing = false;
  }

  private async commit(batch: readonly Pending<DB>[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const values: unknown[] = [];
        for (const pending of batch) values.push(await pending.job(trx));
        return values;
      });
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const pending of batch) await this.db.transaction().execute(pending.job).then(pending.resolve, pending.reject);
      return;
    }
    batch.forEach((pending, index) => pending.resolve(results[index]));
  }
}

/** One transaction per write: MySQL's pooled connections commit in parallel, so no batching. */
export class TransactionPerWrite<DB> implements TxWriter<DB> {
  constructor(private readonly db: Kysely<DB>) {}

  write<T>(job: WriteJob<DB, T>): Promise<T> {
    return this.db.transaction().execute(job);
  }
}

/** The writer that suits the database: group commit on SQLite, a transaction per write elsewhere. */
export function writerFor<DB>(db: Kysely<DB>): TxWriter<DB> {
  return db.getExecutor().adapter instanceof SqliteAdapter ? new GroupCommitWriter(db) : new TransactionPerWrite(db);
}
