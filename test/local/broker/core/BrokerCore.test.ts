import { describe, expect, it } from 'vitest';
import { IdGenerator } from '../../../../local/broker/core/ids';
import type { DeliveredMessage } from '../../../../local/broker/core/types';
import type { JournalPort } from '../../../../local/broker/core/BrokerCore';
import { BrokerCore } from '../../../../local/broker/core/BrokerCore';
import { Resources } from '../../../../local/broker/core/resources';
import type { JournalRecord } from '../../../../local/broker/storage/records';
import { ManualClock } from '../../../helpers/ManualClock';

// The core without sockets or disk: a manual clock and an in-memory journal that reports durability
// on the next microtask, like the real one does after its fdatasync.
class MemoryJournal implements JournalPort {
  readonly records: JournalRecord[] = [];
  append(record: JournalRecord, done?: (error?: never) => void): void {
    this.records.push(record);
    if (done) queueMicrotask(() => done());
  }
  barrier(done: () => void): void {
    queueMicrotask(done);
  }
}

const SETTINGS = {
  invisibilityMs: 300_000,
  orderedInvisibilityMs: 60_000,
  maxReconsume: 3,
  halfRecheckMs: 10_000,
  minCheckImmunitySeconds: 10,
  halfGiveUpMs: 86_400_000,
};

function setup(settings = SETTINGS) {
  const clock = new ManualClock();
  const journal = new MemoryJournal();
  const core = new BrokerCore(settings, new Resources(true, []), journal, clock, new IdGenerator());
  const consume = (max = 16, waitSeconds = 0, mode: 'normal' | 'order' | 'half' = 'normal', group = 'G') =>
    core.consume({ ns: '', topic: 'T', group, max, waitSeconds, mode });
  const empty = async (promise: Promise<DeliveredMessage[]>) => expect(promise).rejects.toMatchObject({ code: 'MessageNotExist' });
  return { clock, journal, core, consume, empty };
}

describe('Class: BrokerCore', () => {
  it('makes an unacked message visible again exactly at NextConsumeTime, with ConsumedTimes + 1', async () => {
    const { clock, core, consume, empty } = setup();
    await core.publish({ ns: '', topic: 'T', body: 'b' });
    const [first] = await consume();
    expect(first?.nextConsumeTime).toBe(clock.now() + 300_000);
    clock.advance(299_999);
    await empty(consume());
    clock.advance(1);
    const [second] = await consume();
    expect(second).toMatchObject({ messageId: first?.messageId, consumedTimes: 2, firstConsumeTime: first?.firstConsumeTime });
  });

  it('dead-letters on the timer after maxReconsume deliveries, without anyone polling', async () => {
    const { clock, core, consume, journal } = setup();
    await core.publish({ ns: '', topic: 'T', body: 'poison' });
    for (let i = 0; i < 3; i += 1) {
      expect((await consume())[0]?.consumedTimes).toBe(i + 1);
      clock.advance(300_000);
    }
    expect(core.deadLetters()).toEqual([expect.objectContaining({ group: 'G', body: 'poison', consumedTimes: 3, deadAt: clock.now() })]);
    expect(journal.records.filter((r) => r.t === 'X')).toHaveLength(1);
    expect(core.inspect().topics[0]?.groups[0]).toEqual({ group: 'G', backlog: 0, inFlight: 0, deadLetters: 1 });
  });

  it('answers a parked long poll on publish (no timer involved) and times it out at waitseconds', async () => {
    const { clock, core, consume, empty } = setup();
    const parked = consume(16, 30);
    await core.publish({ ns: '', topic: 'T', body: 'now' });
    expect((await parked).map((m) => m.body)).toEqual(['now']);
    const timedOut = consume(16, 30);
    clock.advance(29_999);
    clock.advance(1);
    await empty(timedOut);
    expect(clock.pendingTimers).toBe(1); // only the redelivery timer of the first message remains
  });

  it('wakes a long poll when a scheduled message falls due', async () => {
    const { clock, core, consume, empty } = setup();
    await core.publish({ ns: '', topic: 'T', body: 'later', properties: `__STARTDELIVERTIME:${clock.now() + 5_000}` });
    await empty(consume());
    const parked = consume(16, 30);
    clock.advance(5_000);
    expect((await parked).map((m) => m.body)).toEqual(['later']);
  });

  it('re-offers an undecided half message every recheck interval and gives up after a day', async () => {
    const { clock, core, consume, empty, journal } = setup();
    await core.publish({ ns: '', topic: 'T', body: 'tx', properties: '__TransCheckT:10' });
    await empty(consume(16, 0, 'half'));
    clock.advance(10_000);
    expect((await consume(16, 0, 'half'))[0]?.consumedTimes).toBe(1);
    clock.advance(9_999);
    await empty(consume(16, 0, 'half'));
    clock.advance(1);
    expect((await consume(16, 0, 'half'))[0]?.consumedTimes).toBe(2);
    clock.advance(86_400_000);
    await empty(consume(16, 0, 'half'));
    expect(journal.records.at(-1)).toMatchObject({ t: 'HR' });
    expect(core.inspect().topics[0]?.halfMessages).toBe(0);
  });

  it('gives up an undecided half message on the timer, without anyone polling, also when give-up comes before the first check', async () => {
    const { clock, core, journal } = setup({ ...SETTINGS, halfGiveUpMs: 60_000 });
    await core.publish({ ns: '', topic: 'T', body: 'late', properties: '__TransCheckT:10' });
    await core.publish({ ns: '', topic: 'T', body: 'early', properties: '__TransCheckT:100' });
    clock.advance(59_999);
    expect(core.inspect().topics[0]?.halfMessages).toBe(2);
    clock.advance(1);
    await Promise.resolve();
    expect(journal.records.filter((r) => r.t === 'HR')).toHaveLength(2);
    expect(core.inspect().topics[0]?.halfMessages).toBe(0);
  });

  it('refuses a second decision on a half message while the first is being written', async () => {
    const { core } = setup();
    const published = await core.publish({ ns: '', topic: 'T', body: 'tx', properties: '__TransCheckT:10' });
    const input = { ns: '', topic: 'T', group: 'G', handles: [published.receiptHandle as string] };
    const [commit, rollback] = await Promise.all([core.decide(input, 'commit'), core.decide(input, 'rollback')]);
    expect(commit).toEqual([]);
    expect(rollback[0]?.code).toBe('MessageNotExist');
  });

  it('rebuilds the same state from its snapshot: deliveries, handles, watermarks, dead letters, halves', async () => {
    const { clock, core, consume, journal } = setup();
    for (let i = 0; i < 5; i += 1) await core.publish({ ns: 'I', topic: 'T', body: `m${i}` });
    await core.publish({ ns: '', topic: 'T', body: 'x' });
    const [a, b] = await core.consume({ ns: 'I', topic: 'T', group: 'G', max: 2, waitSeconds: 0, mode: 'normal' });
    await core.ack({ ns: 'I', topic: 'T', group: 'G', handles: [a!.receiptHandle] });
    await core.publish({ ns: '', topic: 'T', body: 'tx', properties: '__TransCheckT:10' });
    await consume();

    for (const records of [core.snapshot(), journal.records]) {
      const copy = new BrokerCore(SETTINGS, new Resources(true, []), new MemoryJournal(), clock, new IdGenerator());
      copy.replay(records);
      expect(copy.inspect()).toEqual(core.inspect());
      // b's handle is still the current one after the rebuild.
      expect(await copy.ack({ ns: 'I', topic: 'T', group: 'G', handles: [b!.receiptHandle] })).toEqual([]);
      const next = await copy.consume({ ns: 'I', topic: 'T', group: 'G', max: 16, waitSeconds: 0, mode: 'normal' });
      expect(next.map((m) => m.body)).toEqual(['m2', 'm3', 'm4']);
    }
  });
});
