/** Time as the scheduler sees it: injected, so tests and `tick --now` can run it at any instant. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Real time passing, but starting at `start`: what `tick --now` runs on. */
export function clockStartingAt(start: number): Clock {
  const offset = start - Date.now();
  return { now: () => Date.now() + offset, sleep: (ms) => systemClock.sleep(ms) };
}

/** A calendar date, 'YYYY-MM-DD'. Milestones are due on dates in the configured time zone. */
export type IsoDate = string;

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date it is at `ms` in `timeZone`. */
export function localDate(ms: number, timeZone: string): IsoDate {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

function dayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS;
}

function fromDayNumber(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * The same day `months` later, clamped to the month's end; a month's last day stays the last day,
 * so a half-yearly 06-30 is followed by 12-31 and a 08-31 by 02-28/29.
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number);
  const daysIn = (year: number, month0: number) => new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = daysIn(target.getUTCFullYear(), target.getUTCMonth());
  target.setUTCDate(d === daysIn(y, m - 1) ? lastDay : Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD HH:mm' at `ms` in `timeZone`, for people to read. */
export function localDateTime(ms: number, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
  return `${localDate(ms, timeZone)} ${time}`;
}
