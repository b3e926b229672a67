import type { Compilable, CompiledQuery, Kysely, Transaction } from 'kysely';
import { SqliteAdapter } from 'kysely';

/**
 * Where rows collected from a batch's jobs go: one multi-row statement per batch instead of one
 * statement per row (each statement costs a round trip on MySQL). Use one sink object per kind of row.
 */
export interface RowSink<DB, R> {
  /** The statement that writes `rows` (undefined: nothing to write); nobody reads its result (see {@link holdUntilCommit}). */
  statement(trx: Transaction<DB>, rows: readonly R[]): CompiledQuery | undefined;
}

/** A statement that may go with the COMMIT, and what it must change there. */
interface AtCommit {
  /** The number of rows it must change for the COMMIT to run (undefined: any). */
  readonly expectedRows: number | undefined;
  /** Set by a driver that holds it until the COMMIT ({@link holdUntilCommit}). */
  held: boolean;
}

/** The statements of the batches in flight that may go with the COMMIT: see {@link holdUntilCommit}. */
const atCommit = new WeakMap<CompiledQuery, AtCommit>();

/** Transactions whose statements all run when executed: a stopped batch's second run, and its jobs run alone. */
const direct = new WeakSet<Transaction<any>>();

/**
 * For a driver: whether `query` is a statement whose result nobody reads (a batch's collected rows or a
 * {@link writeAtCommit}), which it may hold and send, in order with the others, in one round trip with
 * the COMMIT (MySQL, see mysql.ts); then it records that it did and gets the number of rows the
 * statement must change, which it checks there. If a held statement fails, or changes other than
 * `expectedRows` rows, the driver throws {@link FailedBeforeCommitError}.
 */
export function holdUntilCommit(query: CompiledQuery): { readonly expectedRows: number | undefined } | undefined {
  const entry = atCommit.get(query);
  if (entry) entry.held = true;
  return entry;
}

/** Marks `query` as one that may go with the COMMIT, unless the transaction runs its statements directly. */
function mayHold(trx: Transaction<any>, query: CompiledQuery, expectedRows?: number): AtCommit {
  const entry: AtCommit = { expectedRows, held: false };
  if (!direct.has(trx)) atCommit.set(query, entry);
  return entry;
}

/**
 * A statement sent with the COMMIT failed, or changed another number of rows than it expected, so the
 * COMMIT did not run and the transaction is rolled back: the batch's outcome is known (nothing
 * applied), and the writer runs the batch again with its statements sent directly.
 */
export class FailedBeforeCommitError extends Error {
  override readonly name = 'FailedBeforeCommitError';
}

/** The batch a job runs in. */
export interface WriteBatch<DB> {
  /** Adds `row` to `sink`'s rows, written after the batch's last job and before its COMMIT. */
  collect<R>(sink: RowSink<DB, R>, row: R): void;
}

/**
 * A store write: statements run inside a transaction the writer owns. A job must have no effect
 * outside the database, because {@link GroupCommitWriter} may undo it and run it again.
 */
export type WriteJob<DB, T> = (trx: Transaction<DB>, batch: WriteBatch<DB>) => Promise<T>;

/**
 * A kind of write whose jobs run as one when they land in one batch ({@link TxWriter.writeMerged}):
 * one statement for many callers' rows where each caller needs that statement's answer before its
 * next one (which a collected row cannot give). Use one object per kind. Like a job, `run` must have
 * no effect outside the database.
 */
export interface MergedWrite<DB, I, T> {
  /** Writes `items` (the batch's, in queue order); one result per item, in that order. */
  run(trx: Transaction<DB>, batch: WriteBatch<DB>, items: readonly I[]): Promise<T[]>;
}

/**
 * A merged write whose items are lists: `run` writes every caller's elements at once (one result per
 * element, in order), and each caller gets back the results of its own elements.
 */
export function mergedLists<DB, E, R>(
  run: (trx: Transaction<DB>, batch: WriteBatch<DB>, elements: readonly E[]) => Promise<R[]>,
): MergedWrite<DB, readonly E[], R[]> {
  return {
    run: async (trx, batch, items) => {
      const results = await run(trx, batch, items.flat());
      return items.map((item) => results.splice(0, item.length));
    },
  };
}

/** Runs store writes, each resolved only after its transaction has committed. */
export interface TxWriter<DB> {
  write<T>(job: WriteJob<DB, T>): Promise<T>;
  /**
   * Writes `item` with `kind.run`, together with the other items of `kind` in its batch, where the
   * first of them was queued. If the batch fails, its items run again as jobs do ({@link GroupCommitWriter}).
   */
  writeMerged<I, T>(kind: MergedWrite<DB, I, T>, item: I): Promise<T>;
}

/**
 * Runs `query` (a builder or a precompiled statement), a write of a job, in the batch's transaction: on MySQL it goes with the COMMIT (no round
 * trip of its own), after the statements the batch runs directly and before its collected rows, in the
 * order given. So use it only for writes that no statement the batch runs directly reads: a job's
 * effects that commit with their barrier row, a compare-and-set on a row the batch reads nowhere else.
 *
 * With `expectedRows`, it answers whether the write changed exactly that many rows (a compare-and-set,
 * an insert-ignore). Sent with the COMMIT, it answers true, and a check after it stops the COMMIT when
 * the count differs. If a statement sent with the COMMIT fails or its check does, the writer runs the
 * batch again with its statements sent directly: there this answers the real count, and a failing
 * statement throws in the job as any statement's would (a job that lets it through runs again alone).
 * So a job reads the answer and catches errors as it would for an ordinary statement, and a batch pays
 * for a second run only then.
 */
export async function writeAtCommit(trx: Transaction<any>, query: Compilable | CompiledQuery, expectedRows?: number): Promise<boolean> {
  const compiled = 'compile' in query ? query.compile() : query;
  const entry = mayHold(trx, compiled, expectedRows);
  const result = await trx.executeQuery(compiled);
  return entry.held || expectedRows === undefined || Number(result.numAffectedRows ?? 0) === expectedRows;
}

/** Most writes committed together; bounds how long one batch holds a connection (SQLite's only one). */
export const MAX_WRITES_PER_COMMIT = 64;

/**
 * Batches committing at once on MySQL, each on its own pooled connection: with one, the server idled
 * while this process built the next batch (fewer tx/s while a batch took several round trips; now that
 * most take one, one and two measure alike but for ≈ 15 % fewer COMMITs with one); four gave no more
 * than two, in smaller batches (docs/performance.md).
 */
export const MYSQL_CONCURRENT_COMMITS = 2;

interface Pending<DB> {
  /** A job, or an item of a merged write. */
  readonly job: WriteJob<DB, unknown> | { readonly kind: MergedWrite<DB, unknown, unknown>; readonly item: unknown };
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: every write queued during one event-loop turn runs in one transaction, so N
 * concurrent requests pay for one BEGIN/COMMIT (SQLite: one WAL append of the shared pages; MySQL:
 * one redo-log flush and 2 round trips) instead of N. On SQLite (one connection, `concurrentCommits`
 * 1) writes were serialized anyway; on MySQL up to `concurrentCommits` batches run on pooled
 * connections at once, and writes arriving meanwhile form the next batch, so batches grow with load.
 * Each caller is answered only after the COMMIT, so "stored durably before acting" holds exactly as
 * with one transaction per write.
 *
 * Rows the jobs collect ({@link WriteBatch.collect}) are written once per batch, before the COMMIT.
 *
 * If a statement held for the COMMIT (or its row-count check) fails, the batch is rolled back and runs
 * once more with its statements sent directly, where each job sees its real row counts and errors. If a
 * job fails, the batch is rolled back and each job runs again in its own transaction, so only the
 * failing one sees its error. If BEGIN or COMMIT fails (a lost connection)
 * every caller gets that error and nothing runs again: after a failed COMMIT the outcome is unknown,
 * and running the jobs again could apply them twice.
 */
export class GroupCommitWriter<DB> implements TxWriter<DB> {
  private queue: Pending<DB>[] = [];
  private committing = 0;
  private scheduled = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly concurrentCommits = 1,
  ) {}

  write<T>(job: WriteJob<DB, T>): Promise<T> {
    return this.enqueue(job);
  }

  writeMerged<I, T>(kind: MergedWrite<DB, I, T>, item: I): Promise<T> {
    return this.enqueue({ kind: kind as MergedWrite<DB, unknown, unknown>, item });
  }

  private enqueue<T>(job: Pending<DB>['job']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.committing >= this.concurrentCommits) return;
    this.scheduled = true;
    // setImmediate, not a microtask: let this turn's other I/O callbacks queue their writes too.
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0, MAX_WRITES_PER_COMMIT);
      this.committing += 1;
      void this.commit(batch).finally(() => {
        this.committing -= 1;
        this.schedule();
      });
      this.schedule();
    });
  }

  /** @param sendDirectly run every statement when executed (see {@link writeAtCommit}): a stopped batch's second run. */
  private async commit(batch: readonly Pending<DB>[], sendDirectly = false): Promise<void> {
    let stage = 'begin' as 'begin' | 'body' | 'commit';
    let results: unknown[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        if (sendDirectly) direct.add(trx);
        stage = 'body';
        const values = await runJobs(trx, batch);
        stage = 'commit';
        return values;
      });
    } catch (error) {
      // A statement held for the COMMIT failed or its check did: nothing was applied, so the batch runs
      // once more as one transaction, each job getting its real answers (or errors, which it may catch).
      if (error instanceof FailedBeforeCommitError && !sendDirectly) return this.commit(batch, true);
      // BEGIN or COMMIT failed: the same for every job, and after a COMMIT the outcome is unknown.
      if (stage !== 'body' || batch.length === 1) return batch.forEach((pending) => pending.reject(error));
      // A job threw: each runs again alone, so only the failing one sees its error.
      for (const pending of batch) await this.commit([pending], true);
      return;
    }
    batch.forEach((pending, index) => pending.resolve(results[index]));
  }
}

/**
 * Runs the jobs one after another (a merged write's items all at its first one's turn), then writes
 * the rows they collected.
 */
async function runJobs<DB>(trx: Transaction<DB>, batch: readonly Pending<DB>[]): Promise<unknown[]> {
  const collected = new Map<RowSink<DB, unknown>, unknown[]>();
  const writeBatch: WriteBatch<DB> = {
    collect: (sink, row) => {
      const rows = collected.get(sink as RowSink<DB, unknown>);
      if (rows) rows.push(row);
      else collected.set(sink as RowSink<DB, unknown>, [row]);
    },
  };
  const values: unknown[] = new Array(batch.length);
  const ran = new Set<MergedWrite<DB, unknown, unknown>>();
  for (const [index, { job }] of batch.entries()) {
    if (typeof job === 'function') {
      values[index] = await job(trx, writeBatch);
      continue;
    }
    if (ran.has(job.kind)) continue;
    ran.add(job.kind);
    const indexes = [...batch.keys()].filter((i) => {
      const other = batch[i]!.job;
      return typeof other !== 'function' && other.kind === job.kind;
    });
    const results = await job.kind.run(
      trx,
      writeBatch,
      indexes.map((i) => (batch[i]!.job as { item: unknown }).item),
    );
    indexes.forEach((i, k) => {
      values[i] = results[k];
    });
  }
  for (const [sink, rows] of collected) {
    const query = sink.statement(trx, rows);
    if (query === undefined) continue;
    mayHold(trx, query);
    await trx.executeQuery(query);
  }
  return values;
}

const writers = new WeakMap<Kysely<any>, TxWriter<any>>();
const writeDatabases = new WeakMap<Kysely<any>, Kysely<any>>();

/**
 * Makes {@link writerFor}`(db)` commit through `writeDb`, a second instance over the same database
 * (MySQL: a small pool of sessions with autocommit off, which need no BEGIN; see mysql.ts). Call it
 * before the first `writerFor(db)`.
 */
export function useForWrites<DB>(db: Kysely<DB>, writeDb: Kysely<DB>): void {
  writeDatabases.set(db, writeDb);
}

/**
 * The writer of a database, shared by every store over the same Kysely instance (the transaction
 * store and the consumer runtime of one process batch together): group commit with one batch at a
 * time on SQLite, {@link MYSQL_CONCURRENT_COMMITS} at a time elsewhere, through the instance given
 * to {@link useForWrites} if any.
 */
export function writerFor<DB>(db: Kysely<DB>): TxWriter<DB> {
  let writer = writers.get(db) as TxWriter<DB> | undefined;
  if (writer === undefined) {
    const writeDb = (writeDatabases.get(db) as Kysely<DB> | undefined) ?? db;
    writer = new GroupCommitWriter(writeDb, db.getExecutor().adapter instanceof SqliteAdapter ? 1 : MYSQL_CONCURRENT_COMMITS);
    writers.set(db, writer);
  }
  return writer;
}
