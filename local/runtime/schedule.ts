import { RuntimeConfigError } from './errors';

/** When a timer fires next; FC evaluates cron expressions in UTC. */
export interface Schedule {
  /** The expression as configured (after any override), for logs. */
  readonly expression: string;
  /** Epoch ms of the first firing strictly after `afterMs`. */
  next(afterMs: number): number;
}

const MS_PER_SECOND = 1_000;
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
/** Shortest `@every` interval accepted after scaling, so a scaled timer cannot spin. */
export const MIN_TIMER_INTERVAL_MS = 100;
/** A cron expression that matches nothing within this many years is refused (e.g. 30 February). */
const CRON_SEARCH_YEARS = 5;

/** Parses a Go-style duration as FC's `@every` accepts it: `1m`, `90s`, `1h30m`, `500ms`. */
export function parseDurationMs(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
    throw new RuntimeConfigError(`invalid duration '${text}': use e.g. 1m, 90s, 1h30m`);
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * DURATION_UNITS_MS[unit!]!, 0);
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 6 },
];

/** Expands one cron field (`*`, `?`, `5`, `1-5`, `*\/10`, `0-30/5`, lists) into the set of values. */
function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^(\*|\?|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(item);
    if (!match) throw new RuntimeConfigError(`invalid cron ${spec.name} field '${text}'`);
    const [, start, end, step] = match;
    const wildcard = start === '*' || start === '?';
    const from = wildcard ? spec.min : Number(start);
    const to = end !== undefined ? Number(end) : wildcard || step !== undefined ? spec.max : from;
    const by = step !== undefined ? Number(step) : 1;
    if (from < spec.min || to > spec.max || from > to || by < 1) {
      throw new RuntimeConfigError(`cron ${spec.name} field '${text}' is outside ${spec.min}-${spec.max}`);
    }
    for (let value = from; value <= to; value += by) values.add(value);
  }
  return values;
}

/**
 * A six-field cron (seconds first, as FC uses: `0 *\/5 * * * *`). Day-of-month and day-of-week
 * combine with OR when both are restricted, as in classic cron.
 */
function cronSchedule(expression: string): Schedule {
  const texts = expression.trim().split(/\s+/);
  if (texts.length !== FIELDS.length)
    throw new RuntimeConfigError(`cron '${expression}' must have 6 fields (seconds first), got ${texts.length}`);
  // Sunday may be written 7 in the day-of-week field.
  const [seconds, minutes, hours, days, months, weekdays] = texts.map((text, index) =>
    parseField(index === 5 ? text.replace(/\b7\b/g, '0') : text, FIELDS[index]!),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const dayRestricted = !/^[*?]$/.test(texts[3]!);
  const weekdayRestricted = !/^[*?]$/.test(texts[5]!);
  const dayMatches = (date: Date): boolean => {
    const byDay = days.has(date.getUTCDate());
    const byWeekday = weekdays.has(date.getUTCDay());
    if (dayRestricted && weekdayRestricted) return byDay || byWeekday;
    return (!dayRestricted || byDay) && (!weekdayRestricted || byWeekday);
  };
  return {
    expression,
    next(afterMs) {
      // Walk forward field by field, jumping whole months/days/hours/minutes when a field misses.
      const date = new Date(Math.floor(afterMs / MS_PER_SECOND) * MS_PER_SECOND + MS_PER_SECOND);
      const limit = afterMs + CRON_SEARCH_YEARS * 366 * 86_400_000;
      while (date.getTime() <= limit) {
        if (!months.has(date.getUTCMonth() + 1)) {
          date.setUTCMonth(date.getUTCMonth() + 1, 1);
          date.setUTCHours(0, 0, 0);
        } else if (!dayMatches(date)) {
          date.setUTCDate(date.getUTCDate() + 1);
          date.setUTCHours(0, 0, 0);
        } else if (!hours.has(date.getUTCHours())) {
          date.setUTCHours(date.getUTCHours() + 1, 0, 0);
        } else if (!minutes.has(date.getUTCMinutes())) {
          date.setUTCMinutes(date.getUTCMinutes() + 1, 0);
        } else if (!seconds.has(date.getUTCSeconds())) {
          date.setUTCSeconds(date.getUTCSeconds() + 1);
        } else {
          return date.getTime();
        }
      }
      throw new RuntimeConfigError(`cron '${expression}' never fires`);
    },
  };
}

/**
 * Parses a timer trigger's `cronExpression`. `timeScale` > 1 shortens `@every` intervals (the demo
 * runs FC's one-minute timers every few seconds); cron expressions are not scaled — override them.
 */
export function parseSchedule(expression: string, timeScale = 1): Schedule {
  const every = /^@every\s+(\S+)$/.exec(expression.trim());
  if (!every) {
    const schedule = cronSchedule(expression);
    // Validate now, so a cron that never fires fails at start rather than at its first firing.
    schedule.next(Date.now());
    return schedule;
  }
  const intervalMs = Math.max(MIN_TIMER_INTERVAL_MS, Math.round(parseDurationMs(every[1]!) / timeScale));
  return { expression, next: (afterMs) => afterMs + intervalMs };
}
