import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU in clock ticks of 10 ms (USER_HZ 100) in /proc/<pid>/stat. */
const MS_PER_CLOCK_TICK = 10;

/** CPU ms (user and system) another process has used so far; undefined where /proc is not available or it is gone. */
export function processCpuMs(pid: number | undefined): { user: number; system: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised command: utime is the 14th field of the line, stime the 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { user: Number(fields[11]) * MS_PER_CLOCK_TICK, system: Number(fields[12]) * MS_PER_CLOCK_TICK };
  } catch {
    return undefined; // not Linux, or the process has exited: callers leave it out of the breakdown
  }
}

/** CPU ms (user + system) this process has used so far. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The p-th percentile (0..100) of ascending `sorted`, nearest-rank; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

/** {@link processCpuMs} as one figure (user + system). */
export function totalCpuMs(pid: number | undefined): number | undefined {
  const cpu = processCpuMs(pid);
  return cpu && cpu.user + cpu.system;
}

function commandOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return ''; // exited while we looked
  }
}

/**
 * Process id of a MySQL/MariaDB server on this machine (`mariadbd` or `mysqld` in /proc), so a bench
 * against a local server can report the server's CPU too; undefined for a remote host or without /proc.
 */
export function localMysqlServerPid(url: string): number | undefined {
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) return undefined;
  try {
    for (const entry of readdirSync('/proc')) {
      if (/^\d+$/.test(entry) && /^(mariadbd|mysqld)$/.test(commandOf(entry))) return Number(entry);
    }
  } catch {
    // not Linux: no server CPU in the report
  }
  return undefined;
}

/** `value / base` rounded to 2 decimals; undefined when either is missing or the base is 0. */
export function ratio(value: number | undefined, base: number | undefined): number | undefined {
  return value === undefined || base === undefined || base === 0 ? undefined : Math.round((value / base) * 100) / 100;
}
