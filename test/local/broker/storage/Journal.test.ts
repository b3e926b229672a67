import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../../local/broker/storage/Journal';
import type { JournalRecord } from '../../../../local/broker/storage/records';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'txc-journal-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ack = (s: number): JournalRecord => ({ t: 'A', ns: '', tp: 'T', g: 'G', s });

describe('Class: Journal', () => {
  it('reports durability in append order, one write for a burst, and replays the records', async () => {
    const dir = dataDir();
    const { journal, records } = Journal.open({ dataDir: dir, snapshot: () => [] });
    expect(records).toEqual([]);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 50 }, (_, i) => journal.appendDurable(ack(i)).then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    let barrierDone = false;
    journal.append(ack(50));
    journal.barrier(() => (barrierDone = true));
    await journal.close();
    expect(barrierDone).toBe(true);
    expect(Journal.open({ dataDir: dir, snapshot: () => [] }).records).toEqual(Array.from({ length: 51 }, (_, i) => ack(i)));
  });

  it('cuts off a torn last line (a crash mid-write) and keeps appending after it', async () => {
    const dir = dataDir();
    const first = Journal.open({ dataDir: dir, snapshot: () => [] }).journal;
    await first.appendDurable(ack(1));
    await first.close();
    appendFileSync(join(dir, 'journal.ndjson'), '{"t":"A","ns":"","tp":"T","g":"G","s":');
    const reopened = Journal.open({ dataDir: dir, snapshot: () => [] });
    expect(reopened.records).toEqual([ack(1)]);
    await reopened.journal.appendDurable(ack(2));
    await reopened.journal.close();
    expect(Journal.open({ dataDir: dir, snapshot: () => [] }).records).toEqual([ack(1), ack(2)]);
  });

  it('refuses to start on a corrupt line in the middle', async () => {
    const dir = dataDir();
    appendFileSync(join(dir, 'journal.ndjson'), `${JSON.stringify(ack(1))}\nnot json\n${JSON.stringify(ack(2))}\n`);
    expect(() => Journal.open({ dataDir: dir, snapshot: () => [] })).toThrow(/corrupt at line 2/);
  });

  it('compacts to the snapshot once it outgrows the threshold; queued records follow the snapshot', async () => {
    const dir = dataDir();
    const snapshot: JournalRecord[] = [ack(1000)];
    const { journal } = Journal.open({ dataDir: dir, compactBytes: 4096, snapshot: () => snapshot });
    for (let i = 0; i < 100; i += 1) await journal.appendDurable(ack(i));
    expect(statSync(join(dir, 'journal.ndjson')).size).toBeLessThan(4096);
    await journal.appendDurable(ack(2000));
    await journal.close();
    const replayed = Journal.open({ dataDir: dir, snapshot: () => [] }).records;
    expect(replayed[0]).toEqual(ack(1000));
    expect(replayed.at(-1)).toEqual(ack(2000));
    expect(readFileSync(join(dir, 'journal.ndjson'), 'utf8').split('\n').length).toBeLessThan(100);
  });
});
