import { z } from 'zod';
import { DEAD_LETTER_STATUSES, MAX_LIST_LIMIT } from './DeadLetterStore';
import type { DeadLetterFilter } from './DeadLetterStore';
import { MAX_REPLAY_RATE_PER_SECOND } from './replayDeadLetters';

/** ISO time or epoch ms → epoch ms. */
const instant = z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)), z.string().regex(/^\d+$/).transform(Number)]);

/** The filter of list/replay, from JSON or query strings (`ids` comma-separated there). */
export const deadLetterFilterSchema = z
  .object({
    group: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    tag: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    from: instant.optional(),
    to: instant.optional(),
    ids: z
      .union([z.array(z.string().min(1).max(64)), z.string().transform((value) => value.split(',').map((id) => id.trim()).filter((id) => id !== ''))])
      .optional(),
    status: z.enum(Object.values(DEAD_LETTER_STATUSES) as [string, ...string[]]).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
  })
  .strict()
  .transform((filter) => filter as DeadLetterFilter);

/** POST body of a replay. A replay without any filter is refused: it must name what it replays. */
export const replayRequestSchema = z
  .object({
    filter: deadLetterFilterSchema,
    dryRun: z.boolean().default(true),
    ratePerSecond: z.number().positive().max(MAX_REPLAY_RATE_PER_SECOND).optional(),
  })
  .strict()
  .refine(({ filter }) => Boolean(filter.group || filter.tag || filter.ids?.length || filter.from !== undefined || filter.to !== undefined), {
    message: 'a replay needs at least one filter (group, tag, ids, from or to)',
    path: ['filter'],
  });
