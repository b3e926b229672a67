import { describe, expect, it } from 'vitest';
import { DeadLetterStore } from '../../../../shared/engines/dlq';
import { deadLetterFilterSchema, MAX_FILTER_IDS, replayRequestSchema } from '../../../../shared/engines/dlq/replayRequestSchema';
import { DATABASE_CASES, mysqlUnavailableReason } from '../../../helpers/databases';

const mysqlSkip = await mysqlUnavailableReason();
if (mysqlSkip) console.warn(mysqlSkip);

const ids = (count: number) => Array.from({ length: count }, (_, i) => `dl-${i.toString(16).padStart(32, '0')}`);

describe('Schema: replayRequestSchema', () => {
  it('refuses 32 766 ids (once a SQLite "too many SQL variables" 500) with a typed issue on filter.ids', () => {
    const parsed = replayRequestSchema.safeParse({ filter: { ids: ids(32_766) } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ['filter', 'ids'], message: `at most ${MAX_FILTER_IDS} ids` });
  });

  it('bounds the comma-separated query form the same way, and its raw length', () => {
    expect(deadLetterFilterSchema.safeParse({ ids: ids(MAX_FILTER_IDS + 1).join(',') }).success).toBe(false);
    expect(deadLetterFilterSchema.safeParse({ ids: 'x,'.repeat(1_000_000) }).success).toBe(false);
    expect(deadLetterFilterSchema.safeParse({ ids: ids(MAX_FILTER_IDS).join(',') }).data?.ids).toHaveLength(MAX_FILTER_IDS);
  });

  it('refuses ids with characters no dead-letter id has, and epoch strings beyond 15 digits', () => {
    expect(deadLetterFilterSchema.safeParse({ ids: ['dl-1', "x' OR 1=1"] }).success).toBe(false);
    expect(deadLetterFilterSchema.safeParse({ from: '9'.repeat(400) }).success).toBe(false);
  });
});

describe.each(DATABASE_CASES)('DeadLetterStore.list with the most ids a filter allows ($dialect)', ({ dialect, open }) => {
  it.skipIf(dialect === 'mysql' && mysqlSkip !== undefined)('answers (no driver limit is reached)', async () => {
    const database = await open();
    try {
      const filter = deadLetterFilterSchema.parse({ ids: ids(MAX_FILTER_IDS) });
      expect(await new DeadLetterStore(database.db).list(filter)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
