import { describe, expect, it } from 'vitest';
import { RuntimeConfigError } from '../../../local/runtime/errors';
import { parseDurationMs, parseSchedule } from '../../../local/runtime/schedule';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('Function: parseSchedule', () => {
  it('fires @every intervals after the previous firing', () => {
    const schedule = parseSchedule('@every 1m');
    expect(schedule.next(1_000)).toBe(61_000);
    expect(parseSchedule('@every 1h30m').next(0)).toBe(5_400_000);
  });

  it('divides @every intervals by the time scale, with a floor', () => {
    expect(parseSchedule('@every 1m', 30).next(0)).toBe(2_000);
    expect(parseSchedule('@every 1s', 1_000).next(0)).toBe(100);
  });

  it('computes six-field cron firings in UTC, seconds first', () => {
    const everyFiveMinutes = parseSchedule('0 */5 * * * *');
    expect(iso(everyFiveMinutes.next(at('2025-01-01T00:00:00Z')))).toBe('2025-01-01T00:05:00.000Z');
    expect(iso(everyFiveMinutes.next(at('2025-01-01T00:07:12.345Z')))).toBe('2025-01-01T00:10:00.000Z');
    const weekdayMornings = parseSchedule('30 0 9 ? * 1-5');
    // 2025-01-04 is a Saturday → next Monday 2025-01-06.
    expect(iso(weekdayMornings.next(at('2025-01-03T09:00:30Z')))).toBe('2025-01-06T09:00:30.000Z');
    expect(iso(parseSchedule('0 0 0 1 1 *').next(at('2025-06-01T00:00:00Z')))).toBe('2026-01-01T00:00:00.000Z');
    expect(iso(parseSchedule('0 0 12 * * 7').next(at('2025-01-01T00:00:00Z')))).toBe('2025-01-05T12:00:00.000Z');
  });

  it('rejects malformed expressions with a typed error', () => {
    for (const bad of ['@every', '@every 5x', '* * * * *', '61 * * * * *', '0 0 0 31 2 *', 'a b c d e f', '0 5-1 * * * *']) {
      expect(() => parseSchedule(bad), bad).toThrow(RuntimeConfigError);
    }
  });

  it('parses Go-style durations', () => {
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('2h5m3s')).toBe(7_503_000);
    expect(() => parseDurationMs('1m x')).toThrow(RuntimeConfigError);
  });
});
