/**
 * @module console/ui/format — how times, ages and JSON read on screen. Times are shown in the
 * browser's time zone (the operators' clock); the UTC ISO value stays in the element's `datetime`.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-27T10:00:00.000Z` → `2026-11-27 18:00:00` in the browser's zone; '' for null; the input itself when not a time. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Units of {@link formatAge} per language. */
export interface AgeUnits {
  readonly d: string;
  readonly h: string;
  readonly m: string;
  readonly s: string;
}

/** 3725 → `1h 2m` (two largest units); null → ''. */
export function formatAge(seconds: number | null | undefined, units: AgeUnits): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [size, unit] of [
    [86_400, units.d],
    [3_600, units.h],
    [60, units.m],
    [1, units.s],
  ] as const) {
    if (rest >= size || (size === 1 && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** Pretty JSON of a stored value; a string that holds JSON is parsed first so it reads indented. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? '';
}

/** One-line JSON for table cells, cut at `max` characters. */
export function compactJson(value: unknown, max = 160): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A `datetime-local` input's value (browser zone) → ISO UTC; '' stays ''. */
export function localInputToIso(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** ISO → a `datetime-local` input's value in the browser zone (minutes). */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
