import fs from 'node:fs';
import { z } from 'zod';
import { projectPath } from '../knowledge';
import { type IsoDate, addDays, isIsoDate } from './clock';

/**
 * Working days, for the time a unit has to answer a hand-off: Monday to Friday, less the public
 * holidays of scheduler/holidays.json, plus the weekend days it lists as worked (调休).
 */

export const HOLIDAYS_FILE = projectPath('scheduler', 'holidays.json');

const date = z.string().refine(isIsoDate, 'not a date YYYY-MM-DD');
const holidaysSchema = z
  .object({ source: z.string().min(1), holidays: z.array(date), workdays: z.array(date) })
  .strict()
  .refine((f) => !f.workdays.some((d) => f.holidays.includes(d)), 'a day is both a holiday and a working day');

export class WorkingCalendar {
  private readonly holidays: ReadonlySet<IsoDate>;
  private readonly workdays: ReadonlySet<IsoDate>;

  constructor(days: { holidays: readonly IsoDate[]; workdays: readonly IsoDate[] }) {
    this.holidays = new Set(days.holidays);
    this.workdays = new Set(days.workdays);
  }

  /** Reads and checks the holidays file; a bad file stops start-up with what is wrong. */
  static load(file = HOLIDAYS_FILE): WorkingCalendar {
    const parsed = holidaysSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return new WorkingCalendar(parsed.data);
  }

  isWorkingDay(day: IsoDate): boolean {
    if (this.workdays.has(day)) return true;
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(day);
  }

  /** The `count`th working day after `from` (from itself does not count: a question of Friday evening is due on Wednesday). */
  addWorkingDays(from: IsoDate, count: number): IsoDate {
    let day = from;
    for (let left = count; left > 0;) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) left -= 1;
    }
    return day;
  }
}
