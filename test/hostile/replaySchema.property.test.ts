import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterBody } from '../../shared/engines/consumer/deadLetterBody';
import { DeadLetterStore } from '../../shared/engines/dlq';
import { replayDeadLetters } from '../../shared/engines/dlq/replayDeadLetters';
import { deadLetterFilterSchema, MAX_FILTER_IDS, replayRequestSchema } from '../../shared/engines/dlq/replayRequestSchema';
import type { TestDatabase } from '../helpers/databases';
import { DATABASE_CASES } from '../helpers/databases';
import { RecordingPublisher } from '../shared/engines/consumer/factories';
import { hostileJson, nastyString, propertyParameters } from './properties';

// Generated replay requests (JSON bodies and query-string filters) through the shared schema and on
// into the real dead-letter store: the schema either refuses with issues or yields a filter the
// store can run (no driver limit reached), and a dry run writes and publishes nothing.

let database: TestDatabase;
let store: DeadLetterStore;
const letterIds: string[] = [];

function deadLetter(group: string, tag: string): DeadLetterBody {
  const key = `tx-${randomUUID()}`;
  return {
    v: 1,
    deadLetterId: `dl-${randomUUID().replace(/-/g, '')}`,
    group,
    dedupKey: key,
    original: { topic: 'TXC_COMPANION', tag, key, messageId: randomUUID(), publishTime: 1, properties: {}, body: '{"v":1}' },
    error: { kind: 'transient', code: 'HANDLER_ERROR', message: 'boom' },
    attempts: 16,
    history: [],
    deadLetteredAt: Date.now(),
  };
}

beforeAll(async () => {
  database = await DATABASE_CASES[0].open();
  store = new DeadLetterStore(database.db);
  for (const [group, tag] of [
    ['GID_TXC_OPS', 'OPERATIONS'],
    ['GID_TXC_CS', 'CUSTOMER_SERVICE'],
    ['GID_TXC_OPS', 'OPERATIONS'],
  ] as const) {
    const letter = deadLetter(group, tag);
    letterIds.push(letter.deadLetterId);
    await database.db.transaction().execute((trx) => store.save(trx, letter, Date.now()));
  }
});
afterAll(async () => database?.close());

async function deadLetterRows(): Promise<unknown[]> {
  return database.db.selectFrom('txc_dead_letter').selectAll().orderBy('id').execute();
}

const id = fc.oneof(fc.constantFrom(...['dl-0', 'x']), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), nastyString(70));
const ids = fc.oneof(
  fc.array(id, { maxLength: 20 }),
  fc.integer({ min: MAX_FILTER_IDS - 2, max: 33_000 }).map((count) => Array.from({ length: count }, (_, i) => `dl-${i}`)),
  fc.array(id, { maxLength: 20 }).map((list) => list.join(',')),
  hostileJson,
);
const instant = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.stringMatching(/^\d{1,25}$/),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  nastyString(30),
);
const filter = fc.record(
  {
    group: fc.oneof(fc.constantFrom('GID_TXC_OPS', 'GID_TXC_CS'), nastyString(70)),
    tag: fc.oneof(fc.constant('OPERATIONS'), nastyString(70)),
    from: instant,
    to: instant,
    ids,
    status: fc.oneof(fc.constantFrom('NEW', 'REPLAYED', 'REPLAYING'), nastyString(20)),
    limit: fc.oneof(fc.integer(), fc.double(), nastyString(8)),
    extra: hostileJson,
  },
  { requiredKeys: [] },
);
const replayRequest = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        filter: fc.oneof(filter, hostileJson),
        dryRun: fc.oneof(fc.boolean(), hostileJson),
        ratePerSecond: fc.oneof(fc.double(), fc.integer(), hostileJson),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: hostileJson },
);

describe('Hostile input: DLQ replay request schema (generated)', () => {
  it('refuses with issues, or yields a filter the store runs; a dry run changes nothing', async () => {
    const publisher = new RecordingPublisher();
    await fc.assert(
      fc.asyncProperty(replayRequest, async (input) => {
        const parsed = replayRequestSchema.safeParse(input);
        if (!parsed.success) {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          for (const issue of parsed.error.issues) expect(issue.message).toMatch(/\S/);
          return;
        }
        expect(parsed.data.filter.ids?.length ?? 0).toBeLessThanOrEqual(MAX_FILTER_IDS);
        const before = await deadLetterRows();
        const report = await replayDeadLetters(store, publisher, { ...parsed.data, dryRun: true });
        expect(report.dryRun).toBe(true);
        expect(await deadLetterRows()).toEqual(before);
        expect(publisher.published).toEqual([]);
      }),
      propertyParameters('DLQ replay body', 300),
    );
  });

  it('parses query-string filters (every value a string) without throwing, bounded likewise', async () => {
    const query = fc.dictionary(
      fc.oneof(fc.constantFrom('group', 'tag', 'from', 'to', 'ids', 'status', 'limit'), nastyString(8)),
      fc.oneof(
        nastyString(60),
        ids.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
      ),
      { maxKeys: 7 },
    );
    await fc.assert(
      fc.asyncProperty(query, async (params) => {
        const parsed = deadLetterFilterSchema.safeParse(params);
        if (!parsed.success) return;
        expect(parsed.data.ids?.length ?? 0).toBeLessThanOrEqual(MAX_FILTER_IDS);
        await store.list(parsed.data);
      }),
      propertyParameters('DLQ filter query', 200),
    );
  });
});
