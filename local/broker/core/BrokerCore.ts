import { hash } from 'node:crypto';
import type { TagExpression } from '../../../shared/engines/catalog/tagExpression';
import { parseTagExpression } from '../../../shared/engines/catalog/tagExpression';
import {
  MAX_CHECK_IMMUNITY_SECONDS,
  MAX_BODY_BYTES,
  MAX_HANDLES_PER_ACK,
  MAX_TAG_LENGTH,
  MAX_TRANSACTIONAL_BODY_BYTES,
} from '../constants';
import type { HandleFailure } from '../errors';
import { MqInvalidRequestError, MqNotFoundError, invalidArgument } from '../errors';
import type { IdGenerator } from './ids';
import { randomHex } from './ids';
import { RESERVED_PROPERTIES, decodeProperties, encodeProperties, integerProperty } from './properties';
import { HANDLE_KINDS, decodeReceiptHandle, encodeReceiptHandle } from './receiptHandle';
import type { JournalRecord } from '../storage/records';
import type { Durable } from '../storage/Journal';
import type { Clock } from './clock';
import type { GroupState, Waiter } from './GroupState';
import type { Resources } from './resources';
import { TopicState, topicKey } from './TopicState';
import type { ConsumeMode, Decision, Delivery, DeliveredMessage, HalfMessage, StoredMessage } from './types';

/** Time settings of the core, in milliseconds (resolved from `BrokerOptions`). */
export interface CoreSettings {
  readonly invisibilityMs: number;
  readonly orderedInvisibilityMs: number;
  readonly maxReconsume: number;
  readonly halfRecheckMs: number;
  readonly minCheckImmunitySeconds: number;
  readonly halfGiveUpMs: number;
}

/** What the core needs from storage: ordered appends reported when durable, and a barrier. */
export interface JournalPort {
  append(record: JournalRecord, done?: Durable): void;
  barrier(done: Durable): void;
}

export interface PublishInput {
  readonly ns: string;
  readonly topic: string;
  readonly body: string;
  readonly tag?: string | undefined;
  /** Wire-encoded properties (`k:v|k:v`). */
  readonly properties?: string | undefined;
}

export interface PublishResult {
  readonly messageId: string;
  readonly bodyMd5: string;
  /** Only for transactional messages: the half-message handle. */
  readonly receiptHandle?: string;
}

export interface ConsumeInput {
  readonly ns: string;
  readonly topic: string;
  readonly group: string;
  /** Tag expression as sent (`TagA||TagB`, `*`, or absent). */
  readonly tag?: string | undefined;
  readonly max: number;
  readonly waitSeconds: number;
  readonly mode: ConsumeMode;
  /** Aborted when the client goes away, so a parked long poll does not take messages for nobody. */
  readonly signal?: AbortSignal;
}

export interface HandlesInput {
  readonly ns: string;
  readonly topic: string;
  readonly group: string;
  readonly handles: readonly string[];
}

export interface DeadLetterView {
  readonly ns: string;
  readonly topic: string;
  readonly group: string;
  readonly messageId: string;
  readonly body: string;
  readonly tag: string | undefined;
  readonly properties: string;
  readonly publishTime: number;
  readonly consumedTimes: number;
  readonly deadAt: number;
}

export interface BrokerStateView {
  readonly topics: {
    readonly ns: string;
    readonly topic: string;
    readonly messages: number;
    readonly halfMessages: number;
    readonly groups: { readonly group: string; readonly backlog: number; readonly inFlight: number; readonly deadLetters: number }[];
  }[];
}

const notExist = (): MqNotFoundError => new MqNotFoundError('MessageNotExist');

/**
 * The broker's state machine: topic logs, per-group deliveries, receipt handles, invisibility and
 * redelivery, dead letters, half messages and their checks, and long-poll waiters woken by events
 * (publish, commit, a due timer) — never by polling. No sockets; time comes from the injected clock.
 *
 * Durability rule: state that answers a client (a publish, commit, rollback) is applied only after its
 * record is on disk; state that takes something away (ack, delivery) is applied at once, so a concurrent
 * consumer cannot see it, and the client is answered only after the record is on disk.
 */
export class BrokerCore {
  private readonly topics = new Map<string, TopicState>();
  private closed = false;

  constructor(
    private readonly settings: CoreSettings,
    private readonly resources: Resources,
    private readonly journal: JournalPort,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  // ---- operations -------------------------------------------------------------------------------

  publish(input: PublishInput): Promise<PublishResult> {
    this.resources.assertTopic(input.ns, input.topic);
    if (input.body === '') throw invalidArgument('MessageBody', 'should not be empty');
    const tag = input.tag;
    if (tag !== undefined && (tag.length > MAX_TAG_LENGTH || tag.includes('|') || tag.trim() === '')) {
      throw invalidArgument('MessageTag', `'${tag.slice(0, MAX_TAG_LENGTH)}' should be 1-${MAX_TAG_LENGTH} characters without '|'`);
    }
    const props = input.properties === undefined ? new Map<string, string>() : decodeProperties(input.properties);
    const startDeliverTime = integerProperty(props, RESERVED_PROPERTIES.startDeliverTime);
    const checkSeconds = integerProperty(props, RESERVED_PROPERTIES.transCheckImmunity);
    const limit = checkSeconds === undefined ? MAX_BODY_BYTES : MAX_TRANSACTIONAL_BODY_BYTES;
    const bytes = Buffer.byteLength(input.body, 'utf8');
    if (bytes > limit) throw invalidArgument('MessageBody', `is ${bytes} bytes, above the limit of ${limit}`);
    const minCheck = this.settings.minCheckImmunitySeconds;
    if (checkSeconds !== undefined && (checkSeconds < minCheck || checkSeconds > MAX_CHECK_IMMUNITY_SECONDS)) {
      throw invalidArgument(
        RESERVED_PROPERTIES.transCheckImmunity,
        `should between ${minCheck} and ${MAX_CHECK_IMMUNITY_SECONDS}, got ${checkSeconds}`,
      );
    }
    const now = this.clock.now();
    const id = this.ids.messageId();
    const md5 = hash('md5', input.body, 'hex').toUpperCase();
    const properties = encodeProperties(props);
    const deliverAt = Math.max(now, startDeliverTime ?? now);
    const shardingKey = props.get(RESERVED_PROPERTIES.shardingKey);
    const topic = this.topic(input.ns, input.topic);
    const p = properties || undefined;
    return new Promise((resolve, reject) => {
      if (checkSeconds === undefined) {
        const seq = topic.nextSeq++;
        this.journal.append(
          { t: 'P', ns: input.ns, tp: input.topic, id, b: input.body, md5, tag, p, pt: now, s: seq, da: deliverAt },
          (error) => {
            if (error) return reject(error);
            topic.append({ seq, id, body: input.body, md5, tag, properties, publishTime: now, deliverAt, shardingKey });
            this.wakeTopic(topic);
            resolve({ messageId: id, bodyMd5: md5 });
          },
        );
        return;
      }
      const message = { id, body: input.body, md5, tag, properties, publishTime: now, deliverAt, shardingKey };
      const half: HalfMessage = {
        message,
        checkAt: now + checkSeconds * 1000,
        checks: 0,
        firstCheck: 0,
        token: randomHex(8),
        decided: false,
        giveUpQueued: false,
      };
      this.journal.append(
        { t: 'H', ns: input.ns, tp: input.topic, id, b: input.body, md5, tag, p, pt: now, k: half.token, ck: half.checkAt },
        (error) => {
          if (error) return reject(error);
          this.addHalf(topic, half);
          const receiptHandle = encodeReceiptHandle({
            kind: HANDLE_KINDS.half,
            messageId: id,
            seq: 0,
            count: 0,
            validUntil: half.checkAt,
            token: half.token,
          });
          resolve({ messageId: id, bodyMd5: md5, receiptHandle });
        },
      );
    });
  }

  /** Consume (normal, ordered or half): resolves with 1..max messages or rejects with `MessageNotExist`. */
  consume(input: ConsumeInput): Promise<DeliveredMessage[]> {
    this.resources.assertTopic(input.ns, input.topic);
    this.resources.assertGroup(input.ns, input.group);
    const topic = this.topic(input.ns, input.topic);
    const filter = parseTagExpression(input.tag);
    const take = (): DeliveredMessage[] =>
      input.mode === 'half' ? this.takeHalf(topic, input.max) : this.take(topic, topic.group(input.group), input.mode, filter, input.max);
    return new Promise((resolve, reject) => {
      // Answered once the delivery record is on disk. Not needed for safety (a lost delivery record only
      // brings a redelivery forward), but answering at once made consumers return sooner with smaller
      // batches (mean 15.9 → 11.7 of 16 on the bench): more consume and ack requests per message.
      const answer = (messages: DeliveredMessage[]): void => this.journal.barrier((error) => (error ? reject(error) : resolve(messages)));
      const first = take();
      if (first.length > 0) return answer(first);
      if (input.waitSeconds <= 0 || this.closed) return reject(notExist());
      const list = input.mode === 'half' ? topic.halfWaiters : topic.group(input.group).waiters[input.mode];
      const finish = (): void => {
        this.clock.clearTimeout(timer);
        input.signal?.removeEventListener('abort', cancel);
        const index = list.indexOf(waiter);
        if (index >= 0) list.splice(index, 1);
      };
      const cancel = (): void => {
        finish();
        reject(notExist());
      };
      const waiter: Waiter = {
        max: input.max,
        filter,
        offer: () => {
          const messages = take();
          if (messages.length === 0) return false;
          finish();
          answer(messages);
          return true;
        },
        cancel,
      };
      const timer = this.clock.setTimeout(cancel, input.waitSeconds * 1000);
      input.signal?.addEventListener('abort', cancel, { once: true });
      list.push(waiter);
    });
  }

  /** Acknowledges deliveries; resolves with the failed handles only (empty = all acked, 204). */
  ack(input: HandlesInput): Promise<HandleFailure[]> {
    this.checkHandles(input, MAX_HANDLES_PER_ACK);
    const now = this.clock.now();
    const topic = this.topics.get(topicKey(input.ns, input.topic));
    const group = topic?.groups.get(input.group);
    const failures: HandleFailure[] = [];
    const acked: number[] = [];
    for (const text of input.handles) {
      const handle = decodeReceiptHandle(text);
      const message = handle?.kind === HANDLE_KINDS.delivery ? topic?.log[handle.seq] : undefined;
      if (handle === undefined || message === undefined || message.id !== handle.messageId || group === undefined) {
        failures.push(handleError(text, 'ReceiptHandleError'));
        continue;
      }
      const delivery = group.inflight.get(handle.seq);
      if (delivery === undefined) {
        failures.push(
          group.isDone(handle.seq)
            ? handleError(text, 'MessageNotExist', 'The message was already acknowledged or dead-lettered.')
            : handleError(text, 'ReceiptHandleError'),
        );
      } else if (delivery.token !== handle.token) {
        failures.push(
          handleError(text, 'ReceiptHandleError', 'The receipt handle is not the current one: the message was delivered again.'),
        );
      } else if (now >= delivery.next) {
        failures.push(handleError(text, 'MessageNotExist', 'The receipt handle expired at NextConsumeTime.'));
      } else {
        group.markDone(handle.seq);
        acked.push(handle.seq);
      }
    }
    if (acked.length > 0) this.journal.append({ t: 'AS', ns: input.ns, tp: input.topic, g: input.group, s: acked });
    return this.afterDurable(failures);
  }

  /** Commits or rolls back a half message by its publish handle or a check handle. */
  decide(input: HandlesInput, decision: Decision): Promise<HandleFailure[]> {
    this.checkHandles(input, 1);
    const now = this.clock.now();
    const text = input.handles[0] as string;
    const handle = decodeReceiptHandle(text);
    const topic = this.topics.get(topicKey(input.ns, input.topic));
    if (handle === undefined || handle.kind !== HANDLE_KINDS.half) return Promise.resolve([handleError(text, 'ReceiptHandleError')]);
    const half = topic?.halves.get(handle.messageId);
    if (topic === undefined || half === undefined) {
      return Promise.resolve([handleError(text, 'MessageNotExist', 'The half message was already committed, rolled back or given up.')]);
    }
    if (half.token !== handle.token)
      return Promise.resolve([
        handleError(text, 'ReceiptHandleError', 'The receipt handle is not the current one: the half message was offered again.'),
      ]);
    if (half.decided)
      return Promise.resolve([handleError(text, 'MessageNotExist', 'The half message was already committed or rolled back.')]);
    if (now >= half.checkAt)
      return Promise.resolve([
        handleError(text, 'MessageNotExist', 'The receipt handle expired (check-immunity time or NextConsumeTime passed).'),
      ]);
    half.decided = true;
    const address = { ns: input.ns, tp: input.topic, id: half.message.id };
    return new Promise((resolve, reject) => {
      if (decision === 'rollback') {
        this.journal.append({ t: 'HR', ...address }, (error) => {
          if (error) return reject(error);
          topic.halves.delete(half.message.id);
          resolve([]);
        });
        return;
      }
      const seq = topic.nextSeq++;
      this.journal.append({ t: 'HC', ...address, s: seq }, (error) => {
        if (error) return reject(error);
        topic.halves.delete(half.message.id);
        topic.append({ ...half.message, seq });
        this.wakeTopic(topic);
        resolve([]);
      });
    });
  }

  // ---- delivery ---------------------------------------------------------------------------------

  private take(topic: TopicState, group: GroupState, mode: 'normal' | 'order', filter: TagExpression, max: number): DeliveredMessage[] {
    const now = this.clock.now();
    const out: DeliveredMessage[] = [];
    group.sweep(now, this.settings.maxReconsume, (seq, count) => this.deadLetter(topic, group, seq, count, now));
    const invisibleMs = mode === 'order' ? this.settings.orderedInvisibilityMs : this.settings.invisibilityMs;
    const next = now + invisibleMs;
    const records: [number, number, number, string][] = [];
    const deliver = (seq: number): boolean => {
      const previous = group.inflight.get(seq);
      if (previous !== undefined && previous.count >= this.settings.maxReconsume) {
        this.deadLetter(topic, group, seq, previous.count, now);
        return false;
      }
      const message = topic.log[seq] as StoredMessage;
      const delivery = { count: (previous?.count ?? 0) + 1, first: previous?.first ?? now, next, token: randomHex(8) };
      group.inflight.set(seq, delivery);
      group.due.push({ at: next, seq });
      records.push([seq, delivery.count, delivery.first, delivery.token]);
      const receiptHandle = encodeReceiptHandle({
        kind: HANDLE_KINDS.delivery,
        messageId: message.id,
        seq,
        count: delivery.count,
        validUntil: delivery.next,
        token: delivery.token,
      });
      out.push(delivered(message, receiptHandle, delivery.first, delivery.next, delivery.count));
      return true;
    };
    if (mode === 'order') group.takeOrdered(now, topic.log, filter, max, deliver);
    else group.takeNormal(now, topic.log, filter, max, deliver);
    if (records.length > 0) this.journal.append({ t: 'DS', ns: topic.ns, tp: topic.name, g: group.name, n: next, d: records });
    this.scheduleGroup(topic, group);
    return out;
  }

  private deadLetter(topic: TopicState, group: GroupState, seq: number, count: number, now: number): void {
    group.markDone(seq);
    group.dead.set(seq, { count, at: now });
    this.journal.append({ t: 'X', ns: topic.ns, tp: topic.name, g: group.name, s: seq, c: count, at: now });
  }

  private takeHalf(topic: TopicState, max: number): DeliveredMessage[] {
    const now = this.clock.now();
    const out: DeliveredMessage[] = [];
    for (const half of topic.halves.values()) {
      if (out.length >= max) break;
      if (half.decided || half.checkAt > now) continue;
      if (now - half.message.publishTime >= this.settings.halfGiveUpMs) {
        this.giveUp(topic, half);
        continue;
      }
      half.checks += 1;
      if (half.checks === 1) half.firstCheck = now;
      half.checkAt = now + this.settings.halfRecheckMs;
      half.token = randomHex(8);
      topic.halfDue.push({ at: half.checkAt, id: half.message.id });
      this.journal.append({ t: 'HD', ns: topic.ns, tp: topic.name, id: half.message.id, c: half.checks, n: half.checkAt, k: half.token });
      const receiptHandle = encodeReceiptHandle({
        kind: HANDLE_KINDS.half,
        messageId: half.message.id,
        seq: 0,
        count: half.checks,
        validUntil: half.checkAt,
        token: half.token,
      });
      out.push(delivered(half.message, receiptHandle, half.firstCheck, half.checkAt, half.checks));
    }
    this.scheduleHalves(topic);
    return out;
  }

  /** Undecided for longer than the give-up age: discarded, as the cloud does after a day. */
  private giveUp(topic: TopicState, half: HalfMessage): void {
    half.decided = true;
    topic.halves.delete(half.message.id);
    this.journal.append({ t: 'HR', ns: topic.ns, tp: topic.name, id: half.message.id });
  }

  // ---- wake-ups ---------------------------------------------------------------------------------

  private wakeTopic(topic: TopicState): void {
    for (const group of topic.groups.values()) {
      offerAll(group.waiters.normal);
      offerAll(group.waiters.order);
    }
  }

  /** Keeps one timer per group at its earliest due entry (redelivery, scheduled message, dead letter). */
  private scheduleGroup(topic: TopicState, group: GroupState): void {
    const next = group.due.peek()?.at ?? Number.POSITIVE_INFINITY;
    if (next >= group.timerAt || this.closed) return;
    if (group.timer !== undefined) this.clock.clearTimeout(group.timer);
    group.timerAt = next;
    group.timer = this.clock.setTimeout(
      () => {
        group.timer = undefined;
        group.timerAt = Number.POSITIVE_INFINITY;
        const now = this.clock.now();
        group.sweep(now, this.settings.maxReconsume, (seq, count) => this.deadLetter(topic, group, seq, count, now));
        offerAll(group.waiters.normal);
        offerAll(group.waiters.order);
        this.scheduleGroup(topic, group);
      },
      Math.max(0, next - this.clock.now()),
    );
  }

  private addHalf(topic: TopicState, half: HalfMessage): void {
    topic.halves.set(half.message.id, half);
    topic.halfDue.push({ at: half.checkAt, id: half.message.id });
    // Most halves are decided before their first check, so the give-up entry (a day away) is queued only
    // when the first check comes due undecided (see scheduleHalves), or now if it falls before that:
    // otherwise every committed half would leave an entry in the heap for a day.
    if (half.message.publishTime + this.settings.halfGiveUpMs < half.checkAt) this.queueGiveUp(topic, half);
    this.scheduleHalves(topic);
  }

  private queueGiveUp(topic: TopicState, half: HalfMessage): void {
    half.giveUpQueued = true;
    topic.halfDue.push({ at: half.message.publishTime + this.settings.halfGiveUpMs, id: half.message.id });
  }

  /**
   * One timer per topic at its earliest half-message event: a half becoming due for a check (wakes
   * `consumeHalfMessage` long polls) or reaching the give-up age. Offers themselves scan the half map.
   */
  private scheduleHalves(topic: TopicState): void {
    const next = topic.halfDue.peek()?.at ?? Number.POSITIVE_INFINITY;
    if (next >= topic.halfTimerAt || this.closed) return;
    if (topic.halfTimer !== undefined) this.clock.clearTimeout(topic.halfTimer);
    topic.halfTimerAt = next;
    topic.halfTimer = this.clock.setTimeout(
      () => {
        topic.halfTimer = undefined;
        topic.halfTimerAt = Number.POSITIVE_INFINITY;
        const now = this.clock.now();
        for (let top = topic.halfDue.peek(); top !== undefined && top.at <= now; top = topic.halfDue.peek()) {
          topic.halfDue.pop();
          const half = topic.halves.get(top.id);
          if (half === undefined || half.decided) continue;
          if (now - half.message.publishTime >= this.settings.halfGiveUpMs) this.giveUp(topic, half);
          else if (!half.giveUpQueued) this.queueGiveUp(topic, half);
        }
        offerAll(topic.halfWaiters);
        this.scheduleHalves(topic);
      },
      Math.max(0, next - this.clock.now()),
    );
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private topic(ns: string, name: string): TopicState {
    const key = topicKey(ns, name);
    let topic = this.topics.get(key);
    if (topic === undefined) {
      topic = new TopicState(ns, name);
      this.topics.set(key, topic);
    }
    return topic;
  }

  private checkHandles(input: HandlesInput, max: number): void {
    this.resources.assertTopic(input.ns, input.topic);
    this.resources.assertGroup(input.ns, input.group);
    if (input.handles.length === 0) throw new MqInvalidRequestError('MissingReceiptHandle');
    if (input.handles.length > max) throw invalidArgument('ReceiptHandles', `should hold 1 to ${max} handles, got ${input.handles.length}`);
  }

  private afterDurable<T>(value: T): Promise<T> {
    return new Promise((resolve, reject) => this.journal.barrier((error) => (error ? reject(error) : resolve(value))));
  }

  // ---- replay, snapshot, inspection ------------------------------------------------------------

  /** Rebuilds state from journal records (in file order), then arms the timers. */
  replay(records: readonly JournalRecord[]): void {
    for (const record of records) this.apply(record);
    for (const topic of this.topics.values()) {
      for (const group of topic.groups.values()) this.scheduleGroup(topic, group);
      this.scheduleHalves(topic);
    }
  }

  private apply(record: JournalRecord): void {
    const topic = this.topic(record.ns, record.tp);
    switch (record.t) {
      case 'P':
        topic.append(storedMessage(record, record.s, record.da));
        return;
      case 'D':
        replayDelivery(topic.group(record.g), record.s, { count: record.c, first: record.f, next: record.n, token: record.k });
        return;
      case 'DS': {
        const group = topic.group(record.g);
        for (const [seq, count, first, token] of record.d) replayDelivery(group, seq, { count, first, next: record.n, token });
        return;
      }
      case 'A':
        topic.group(record.g).markDone(record.s);
        return;
      case 'AS': {
        const group = topic.group(record.g);
        for (const seq of record.s) group.markDone(seq);
        return;
      }
      case 'X': {
        const group = topic.group(record.g);
        group.markDone(record.s);
        group.dead.set(record.s, { count: record.c, at: record.at });
        return;
      }
      case 'G':
        topic.group(record.g).setWatermark(record.lw, record.done);
        return;
      case 'H': {
        const message = storedMessage(record, 0, record.pt);
        const { seq: _seq, ...unsequenced } = message;
        this.addHalf(topic, {
          message: unsequenced,
          checkAt: record.ck,
          checks: record.c ?? 0,
          firstCheck: 0,
          token: record.k,
          decided: false,
          giveUpQueued: false,
        });
        return;
      }
      case 'HD': {
        const half = topic.halves.get(record.id);
        if (half === undefined) return;
        half.checks = record.c;
        if (half.firstCheck === 0) half.firstCheck = record.n - this.settings.halfRecheckMs;
        half.checkAt = record.n;
        half.token = record.k;
        return;
      }
      case 'HC': {
        const half = topic.halves.get(record.id);
        if (half === undefined) return;
        topic.halves.delete(record.id);
        topic.append({ ...half.message, seq: record.s });
        return;
      }
      case 'HR':
        topic.halves.delete(record.id);
        return;
    }
  }

  /** Records describing the whole current state (journal compaction). Replaying them rebuilds it. */
  snapshot(): JournalRecord[] {
    const records: JournalRecord[] = [];
    for (const topic of this.topics.values()) {
      const address = { ns: topic.ns, tp: topic.name };
      for (const m of topic.log) {
        records.push({
          t: 'P',
          ...address,
          s: m.seq,
          id: m.id,
          b: m.body,
          md5: m.md5,
          tag: m.tag,
          p: m.properties || undefined,
          pt: m.publishTime,
          da: m.deliverAt,
        });
      }
      for (const group of topic.groups.values()) {
        const g = group.name;
        records.push({ t: 'G', ...address, g, lw: group.lowWater, done: [...group.done] });
        for (const [s, d] of group.inflight) records.push({ t: 'D', ...address, g, s, c: d.count, f: d.first, n: d.next, k: d.token });
        for (const [s, dead] of group.dead) records.push({ t: 'X', ...address, g, s, c: dead.count, at: dead.at });
      }
      for (const half of topic.halves.values()) {
        const m = half.message;
        records.push({
          t: 'H',
          ...address,
          id: m.id,
          b: m.body,
          md5: m.md5,
          tag: m.tag,
          p: m.properties || undefined,
          pt: m.publishTime,
          k: half.token,
          ck: half.checkAt,
          c: half.checks,
        });
      }
    }
    return records;
  }

  /** Topics, groups and their backlog / in-flight / dead-letter counts. */
  inspect(): BrokerStateView {
    const now = this.clock.now();
    return {
      topics: [...this.topics.values()].map((topic) => ({
        ns: topic.ns,
        topic: topic.name,
        messages: topic.log.length,
        halfMessages: topic.halves.size,
        groups: [...topic.groups.values()].map((group) => ({ group: group.name, ...group.counts(now, topic.log.length) })),
      })),
    };
  }

  /** Dead letters, optionally filtered by instance, topic and group. */
  deadLetters(filter: { ns?: string; topic?: string; group?: string } = {}): DeadLetterView[] {
    const out: DeadLetterView[] = [];
    for (const topic of this.topics.values()) {
      if ((filter.ns !== undefined && filter.ns !== topic.ns) || (filter.topic !== undefined && filter.topic !== topic.name)) continue;
      for (const group of topic.groups.values()) {
        if (filter.group !== undefined && filter.group !== group.name) continue;
        for (const [seq, dead] of group.dead) {
          const m = topic.log[seq] as StoredMessage;
          out.push({
            ns: topic.ns,
            topic: topic.name,
            group: group.name,
            messageId: m.id,
            body: m.body,
            tag: m.tag,
            properties: m.properties,
            publishTime: m.publishTime,
            consumedTimes: dead.count,
            deadAt: dead.at,
          });
        }
      }
    }
    return out;
  }

  /** Stops timers and answers parked long polls with "no message". */
  close(): void {
    this.closed = true;
    for (const topic of this.topics.values()) {
      if (topic.halfTimer !== undefined) this.clock.clearTimeout(topic.halfTimer);
      for (const waiter of [...topic.halfWaiters]) waiter.cancel();
      for (const group of topic.groups.values()) {
        if (group.timer !== undefined) this.clock.clearTimeout(group.timer);
        for (const waiter of [...group.waiters.normal, ...group.waiters.order]) waiter.cancel();
      }
    }
  }
}

function replayDelivery(group: GroupState, seq: number, delivery: Delivery): void {
  if (group.isDone(seq)) return;
  group.inflight.set(seq, delivery);
  group.due.push({ at: delivery.next, seq });
}

function offerAll(waiters: Waiter[]): void {
  if (waiters.length === 0) return; // the usual case on a publish: no consumer is parked
  for (const waiter of [...waiters]) waiter.offer();
}

function handleError(handle: string, code: HandleFailure['code'], message?: string): HandleFailure {
  return {
    handle,
    code,
    message: message ?? (code === 'ReceiptHandleError' ? 'The receipt handle you provide is not valid.' : 'Message not exist.'),
  };
}

function delivered(
  message: Omit<StoredMessage, 'seq'>,
  receiptHandle: string,
  first: number,
  next: number,
  count: number,
): DeliveredMessage {
  return {
    messageId: message.id,
    receiptHandle,
    bodyMd5: message.md5,
    body: message.body,
    publishTime: message.publishTime,
    firstConsumeTime: first,
    nextConsumeTime: next,
    consumedTimes: count,
    tag: message.tag,
    properties: message.properties,
  };
}

function storedMessage(
  record: { id: string; b: string; md5: string; tag?: string; p?: string; pt: number },
  seq: number,
  deliverAt: number,
): StoredMessage {
  const properties = record.p ?? '';
  return {
    seq,
    id: record.id,
    body: record.b,
    md5: record.md5,
    tag: record.tag,
    properties,
    publishTime: record.pt,
    deliverAt,
    shardingKey: properties === '' ? undefined : decodeProperties(properties).get(RESERVED_PROPERTIES.shardingKey),
  };
}
