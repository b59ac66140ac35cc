import { readFileSync } from 'node:fs';
import path from 'node:path';
import { yaml } from '../../shared/lazy/packages';

/** The weekly rescan's schedule as its PingSource declares it. */
export interface WeeklySchedule {
  /** The PingSource's name, `ccp-weekly-rescan`. */
  source: string;
  /** Its cron line, e.g. `0 23 * * 6`. */
  cron: string;
  timezone: string;
}

/** The manifest the cluster applies (eventing/sources/); the image ships `eventing/` too. */
export const WEEKLY_RESCAN_MANIFEST = path.join('eventing', 'sources', 'ping-weekly-rescan.yaml');

/**
 * The weekly rescan's schedule from the PingSource manifest under `root`, read once, when the
 * admin page is first shown: the one place the schedule is written. `null` when the file is missing or
 * holds no schedule. The embedded runtime has no PingSource: there the page says so.
 * @see https://knative.dev/docs/eventing/sources/ping-source/
 */
export function readWeeklySchedule(root: string): WeeklySchedule | null {
  let text: string;
  try {
    text = readFileSync(path.join(root, WEEKLY_RESCAN_MANIFEST), 'utf8');
  } catch {
    return null;
  }
  const manifest = yaml().parse(text) as { metadata?: { name?: unknown }; spec?: { schedule?: unknown; timezone?: unknown } } | null;
  const cron = manifest?.spec?.schedule;
  if (typeof cron !== 'string') return null;
  const timezone = typeof manifest?.spec?.timezone === 'string' ? manifest.spec.timezone : 'Etc/UTC';
  return { source: typeof manifest?.metadata?.name === 'string' ? manifest.metadata.name : 'ccp-weekly-rescan', cron, timezone };
}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);

/** Field bounds of a five-field cron line: minute, hour, day of month, month, day of week. */
const FIELDS: ReadonlyArray<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/**
 * The first minute after `now` the cron line fires, in UTC; `null` for a line this reader does
 * not understand (numbers, `*`, lists, ranges and steps only; no names, no `@weekly`) or a time
 * zone other than UTC. Day of month and day of week combine as cron does: either matches when
 * both are restricted.
 * @see https://pubs.opengroup.org/onlinepubs/9699919799/utilities/crontab.html
 */
export function nextFiring(schedule: Pick<WeeklySchedule, 'cron' | 'timezone'>, now: Date): Date | null {
  if (!UTC_ZONES.has(schedule.timezone)) return null;
  const parts = schedule.cron.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const sets = parts.map((part, index) => cronField(part, FIELDS[index]![0], FIELDS[index]![1]));
  if (sets.some((set) => set === null)) return null;
  const [minutes, hours, days, months, weekdays] = sets as Set<number>[];
  if (weekdays!.has(7)) weekdays!.add(0);
  const anyDay = parts[2] === '*';
  const anyWeekday = parts[4] === '*';
  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
  // A day at a time, then the hours and minutes of a matching day: at most ~4 years of days.
  for (let day = 0; day < 366 * 4; day++) {
    const date = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + day));
    const dayOk = days!.has(date.getUTCDate());
    const weekdayOk = weekdays!.has(date.getUTCDay());
    const matches = anyDay && anyWeekday ? true : anyDay ? weekdayOk : anyWeekday ? dayOk : dayOk || weekdayOk;
    if (!months!.has(date.getUTCMonth() + 1) || !matches) continue;
    for (const hour of [...hours!].sort((a, b) => a - b)) {
      for (const minute of [...minutes!].sort((a, b) => a - b)) {
        const at = new Date(date.getTime() + hour * 3_600_000 + minute * 60_000);
        if (at >= start) return at;
      }
    }
  }
  return null;
}

function cronField(field: string, min: number, max: number): Set<number> | null {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!match) return null;
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] !== undefined ? max : from;
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    if (from < min || to > max || from > to || step < 1) return null;
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}
