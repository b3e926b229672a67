import * as z from '../../zod';
import { DEAD_LETTER_STATUSES, MAX_LIST_LIMIT } from './DeadLetterStore';
import type { DeadLetterFilter } from './DeadLetterStore';
import { MAX_REPLAY_RATE_PER_SECOND } from './replayDeadLetters';

/**
 * Most ids one filter may name: a page of the list. The ids become one `IN (…)` of SQL variables, and
 * SQLite (32 766) and MySQL (65 535) refuse more than their limit with an error, not a 400.
 */
export const MAX_FILTER_IDS = MAX_LIST_LIMIT;

/** ISO time or epoch ms → epoch ms. */
const instant = z.union([
  z.int().check(z.nonnegative()),
  z.pipe(
    z.iso.datetime({ offset: true }),
    z.transform((value: string) => Date.parse(value)),
  ),
  z.pipe(z.string().check(z.regex(/^\d{1,15}$/)), z.transform(Number)),
]);

const deadLetterIds = z
  .array(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)))
  .check(z.maxLength(MAX_FILTER_IDS, `at most ${MAX_FILTER_IDS} ids`));

/** The filter of list/replay, from JSON or query strings (`ids` comma-separated there). */
export const deadLetterFilterSchema = z.pipe(
  z.strictObject({
    group: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
    tag: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
    from: z.optional(instant),
    to: z.optional(instant),
    // A JSON list or the query string's comma-separated form, bounded after either.
    ids: z.optional(
      z.pipe(
        z.union([
          z.array(z.string()),
          z.pipe(
            z.string().check(z.maxLength(MAX_FILTER_IDS * 66, `at most ${MAX_FILTER_IDS} ids`)),
            z.transform((value: string) =>
              value
                .split(',')
                .map((id) => id.trim())
                .filter((id) => id !== ''),
            ),
          ),
        ]),
        deadLetterIds,
      ),
    ),
    status: z.optional(z.enum(Object.values(DEAD_LETTER_STATUSES) as [string, ...string[]])),
    limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_LIST_LIMIT))),
  }),
  z.transform((filter) => filter as DeadLetterFilter),
);

/** POST body of a replay. A replay without any filter is refused: it must name what it replays. */
export const replayRequestSchema = z
  .strictObject({
    filter: deadLetterFilterSchema,
    dryRun: z._default(z.boolean(), true),
    ratePerSecond: z.optional(z.number().check(z.positive(), z.maximum(MAX_REPLAY_RATE_PER_SECOND))),
  })
  .check(
    z.refine(
      ({ filter }) => Boolean(filter.group || filter.tag || filter.ids?.length || filter.from !== undefined || filter.to !== undefined),
      {
        message: 'a replay needs at least one filter (group, tag, ids, from or to)',
        path: ['filter'],
      },
    ),
  );
