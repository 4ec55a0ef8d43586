import type { Item, Plan } from '../knowledge';
import type { Database } from '../db';
import { type Clock, type IsoDate, addDays, addMonths, daysBetween, isIsoDate, localDate } from './clock';
import type { Outbox } from './outbox';
import { responsibleUnits } from './units';
import type { Audience, Completion, Contact, Milestone, Report } from './records';

/**
 * Milestones: what is due, for which item of the plan, when, and for whom (the lead unit only,
 * or all its responsible units). Seeded from the knowledge base, then kept by the admins.
 */

interface MilestoneRow {
  id: number;
  item_id: string;
  title: string;
  due: string;
  audience: Audience;
  repeat_months: number | null;
  seed_key: string | null;
  note: string | null;
  status: Milestone['status'];
}

function toMilestone(r: MilestoneRow): Milestone {
  return {
    id: r.id,
    itemId: r.item_id,
    title: r.title,
    due: r.due,
    audience: r.audience,
    repeatMonths: r.repeat_months,
    seedKey: r.seed_key,
    note: r.note,
    status: r.status,
  };
}

export type Seed = Omit<Milestone, 'id' | 'status'> & { seedKey: string };

const TITLE_MAX = 60;

function shorten(sentence: string): string {
  return sentence.length > TITLE_MAX ? `${sentence.slice(0, TITLE_MAX - 1)}…` : sentence;
}

/** The first date on or after `today` that falls on one of the month-days (MM-DD) given. */
function nextOf(today: IsoDate, monthDays: string[]): IsoDate {
  const year = Number(today.slice(0, 4));
  const candidates = [year, year + 1].flatMap((y) => monthDays.map((md) => `${y}-${md}`));
  return candidates.sort().find((d) => d >= today)!;
}

/**
 * What the knowledge base implies, as milestones:
 * - every extracted deadline (到2020年 → 2020-12-31), for all the item's units: the target is the item's as a whole;
 * - every 每年 duty of an item (5.5's yearly assessment) on the next 03-31, then yearly: the year's assessment
 *   needs that year's statistics, which are published in the first quarter of the next year;
 * - every 定期 duty of an item (O.3's supervision, 4.3's land-use evaluation) on the next 06-30 or 12-31, then
 *   half-yearly: the plan names no period, and a half-year matches the province's mid-year and year-end reviews.
 * Recurring duties go to the lead unit, who organises them. Admins change any of it afterwards.
 */
export function seedsFromPlan(plan: Plan, today: IsoDate): Seed[] {
  const items = new Set(plan.items.map((i) => i.id));
  const seeds: Seed[] = [];
  for (const d of plan.deadlines) {
    if (!d.itemId || !items.has(d.itemId)) continue; // the 总体要求 belongs to no unit
    seeds.push({
      seedKey: `deadline:${d.itemId}:${d.due}`,
      itemId: d.itemId,
      title: shorten(d.sentence),
      due: d.due,
      audience: 'all',
      repeatMonths: null,
      note: `到${d.year}年 → ${d.due}`,
    });
  }
  for (const r of plan.recurring) {
    if (!r.itemId || !items.has(r.itemId)) continue;
    const base = { seedKey: `recurring:${r.itemId}:${r.keyword}`, itemId: r.itemId, title: shorten(r.sentence), audience: 'lead' as const };
    if (r.keyword === '每年') {
      seeds.push({ ...base, due: nextOf(today, ['03-31']), repeatMonths: 12, note: '每年 → every 03-31 (after the year’s statistics)' });
    } else if (r.keyword === '定期') {
      seeds.push({ ...base, due: nextOf(today, ['06-30', '12-31']), repeatMonths: 6, note: '定期 → every 06-30 and 12-31' });
    }
  }
  return [...new Map(seeds.map((s) => [s.seedKey, s])).values()];
}

/** The reminder a milestone calls for on `today`: the latest one whose day has come, or none yet. */
export interface Slot {
  key: string; // 'before-7', 'overdue-3'
  date: IsoDate; // the day it falls due
  daysLeft: number; // negative once overdue
}

export function currentSlot(due: IsoDate, today: IsoDate, offsetDays: readonly number[], overdueEveryDays: number): Slot | null {
  const daysLeft = daysBetween(today, due);
  if (daysLeft < 0) {
    // The first overdue notice the day after the due date, then one every `overdueEveryDays`.
    const week = Math.floor((-daysLeft - 1) / overdueEveryDays);
    return { key: `overdue-${week}`, date: addDays(due, 1 + week * overdueEveryDays), daysLeft };
  }
  const passed = offsetDays.filter((d) => d >= daysLeft).sort((a, b) => a - b)[0];
  return passed === undefined ? null : { key: `before-${passed}`, date: addDays(due, -passed), daysLeft };
}

export class MilestoneError extends Error {
  constructor(
    readonly problem: 'unknown-item' | 'bad-date' | 'not-found' | 'empty-title',
    readonly detail: string,
  ) {
    super(`${problem}: ${detail}`);
    this.name = 'MilestoneError';
  }
}

/** '4.3', '４．３', 'o.3' → the plan's spelling. */
export function normalizeItemId(typed: string): string {
  return typed
    .normalize('NFKC')
    .trim()
    .replace(/[。．]/g, '.')
    .toUpperCase();
}

export interface MilestoneInput {
  itemId: string;
  due: string;
  title: string;
  audience?: Audience;
}

export class Milestones {
  private readonly items: Map<string, Item>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    plan: Plan,
    private readonly timeZone: string,
  ) {
    this.items = new Map(plan.items.map((i) => [i.id, i]));
  }

  item(id: string): Item | undefined {
    return this.items.get(normalizeItemId(id));
  }

  /** Adds the seeds not stored yet; a seed an admin edited or removed stays as the admin left it. */
  async seed(plan: Plan): Promise<number> {
    const now = this.clock.now();
    const seeds = seedsFromPlan(plan, localDate(now, this.timeZone));
    return this.db.transaction(async () => {
      let added = 0;
      for (const s of seeds) {
        const { changes } = await this.db.run(
          `INSERT INTO sch_milestones (item_id, title, due, audience, repeat_months, seed_key, note, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT DO NOTHING`,
          [s.itemId, s.title, s.due, s.audience, s.repeatMonths, s.seedKey, s.note, now, now],
        );
        added += changes;
      }
      return added;
    });
  }

  async open(): Promise<Milestone[]> {
    return (await this.db.all<MilestoneRow>("SELECT * FROM sch_milestones WHERE status = 'open' ORDER BY due, id")).map(toMilestone);
  }

  async list(includeClosed = false): Promise<Milestone[]> {
    const where = includeClosed ? '' : "WHERE status = 'open'";
    return (await this.db.all<MilestoneRow>(`SELECT * FROM sch_milestones ${where} ORDER BY due, id`)).map(toMilestone);
  }

  async get(id: number): Promise<Milestone | null> {
    const row = await this.db.get<MilestoneRow>('SELECT * FROM sch_milestones WHERE id = ?', [id]);
    return row ? toMilestone(row) : null;
  }

  /** The units a milestone's reminders go to. */
  audienceUnits(m: Pick<Milestone, 'itemId' | 'audience'>): string[] {
    const item = this.items.get(m.itemId);
    if (!item) return [];
    const units = responsibleUnits(item);
    return m.audience === 'lead' ? units.slice(0, 1) : units;
  }

  /** Units that reported the milestone's current occurrence done. */
  async completedUnits(m: Milestone): Promise<Set<string>> {
    const rows = await this.db.all<{ unit: string }>('SELECT unit FROM sch_completions WHERE milestone_id = ? AND due = ?', [m.id, m.due]);
    return new Set(rows.map((r) => r.unit));
  }

  private checked(input: Partial<MilestoneInput>): Partial<MilestoneInput> {
    const out: Partial<MilestoneInput> = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    if (input.itemId !== undefined) {
      out.itemId = normalizeItemId(input.itemId);
      if (!this.items.has(out.itemId)) throw new MilestoneError('unknown-item', input.itemId);
    }
    if (input.due !== undefined && !isIsoDate(input.due)) throw new MilestoneError('bad-date', input.due);
    if (input.title !== undefined) {
      out.title = input.title.trim();
      if (!out.title) throw new MilestoneError('empty-title', '');
    }
    return out;
  }

  async add(input: MilestoneInput): Promise<Milestone> {
    const m = this.checked(input) as MilestoneInput;
    const now = this.clock.now();
    const added = await this.db.transaction(() =>
      this.db.get<{ id: number }>(
        `INSERT INTO sch_milestones (item_id, title, due, audience, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'open', ?, ?) RETURNING id`,
        [m.itemId, m.title, m.due, m.audience ?? 'lead', now, now],
      ),
    );
    return (await this.get(added!.id))!;
  }

  /** Changes what an admin gives; reminders already waiting for another date or another audience are cancelled. */
  async edit(id: number, changes: Partial<MilestoneInput>): Promise<Milestone> {
    const c = this.checked(changes);
    return this.db.transaction(async () => {
      const before = await this.get(id);
      if (!before || before.status === 'removed') throw new MilestoneError('not-found', String(id));
      const after: Milestone = { ...before, ...c, status: 'open' };
      await this.db.run(
        'UPDATE sch_milestones SET item_id = ?, title = ?, due = ?, audience = ?, status = ?, updated_at = ? WHERE id = ?',
        [after.itemId, after.title, after.due, after.audience, after.status, this.clock.now(), id],
      );
      await this.cancelStale(after);
      return after;
    });
  }

  async remove(id: number): Promise<Milestone> {
    return this.db.transaction(async () => {
      const m = await this.get(id);
      if (!m || m.status === 'removed') throw new MilestoneError('not-found', String(id));
      await this.db.run("UPDATE sch_milestones SET status = 'removed', updated_at = ? WHERE id = ?", [this.clock.now(), id]);
      await this.outbox.cancelStaleReminders(id, null, null, 'milestone removed');
      return { ...m, status: 'removed' };
    });
  }

  /** Call inside a transaction: keeps only waiting reminders for the current date and the units still addressed and not done. */
  private async cancelStale(m: Milestone): Promise<void> {
    const done = await this.completedUnits(m);
    const units = this.audienceUnits(m).filter((u) => !done.has(u));
    const placeholders = units.map(() => '?').join(', ');
    const keep = units.length
      ? await this.db.all<{ id: number }>(
          `SELECT id FROM sch_contacts WHERE kind = 'unit' AND target IN (${placeholders}) AND status <> 'unbound'`,
          units,
        )
      : [];
    await this.outbox.cancelStaleReminders(
      m.id,
      m.due,
      keep.map((r) => r.id),
      'milestone changed',
    );
  }

  async recordProgress(contact: Contact, unit: string, itemId: string, text: string): Promise<void> {
    await this.db.transaction(() => this.insertReport(contact, unit, itemId, 'progress', text, null));
  }

  private insertReport(contact: Contact, unit: string, itemId: string, kind: Report['kind'], text: string, milestoneId: number | null) {
    return this.db.run('INSERT INTO sch_reports (item_id, unit, contact_id, kind, text, milestone_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      itemId,
      unit,
      contact.id,
      kind,
      text,
      milestoneId,
      this.clock.now(),
    ]);
  }

  /**
   * `完成 4.3` from a contact of `unit`: closes, for that unit, the earliest open milestone of the item
   * addressed to it. When every addressed unit has closed it, a one-off milestone is done and a
   * recurring one moves to its next date not before today.
   */
  async complete(contact: Contact, unit: string, itemId: string): Promise<Completion> {
    return this.db.transaction(async () => {
      const m = await this.firstOpenFor(unit, itemId);
      await this.insertReport(contact, unit, itemId, 'done', '', m?.id ?? null);
      if (!m) return { unit, milestone: null, nextDue: null };
      const now = this.clock.now();
      await this.db.run('INSERT INTO sch_completions (milestone_id, due, unit, contact_id, at) VALUES (?, ?, ?, ?, ?)', [
        m.id,
        m.due,
        unit,
        contact.id,
        now,
      ]);
      const done = await this.completedUnits(m);
      if (!this.audienceUnits(m).every((u) => done.has(u))) {
        await this.cancelStale(m);
        return { unit, milestone: m, nextDue: null };
      }
      const nextDue = m.repeatMonths ? this.nextOccurrence(m.due, m.repeatMonths, localDate(now, this.timeZone)) : null;
      await this.db.run('UPDATE sch_milestones SET due = ?, status = ?, updated_at = ? WHERE id = ?', [
        nextDue ?? m.due,
        nextDue ? 'open' : 'done',
        now,
        m.id,
      ]);
      await this.outbox.cancelStaleReminders(m.id, nextDue, null, 'milestone done');
      return { unit, milestone: m, nextDue };
    });
  }

  private nextOccurrence(due: IsoDate, months: number, today: IsoDate): IsoDate {
    let next = addMonths(due, months);
    while (next < today) next = addMonths(next, months);
    return next;
  }

  private async firstOpenFor(unit: string, itemId: string): Promise<Milestone | null> {
    for (const m of await this.open()) {
      if (m.itemId !== itemId || !this.audienceUnits(m).includes(unit)) continue;
      if (!(await this.completedUnits(m)).has(unit)) return m;
    }
    return null;
  }

  async reports(itemId?: string): Promise<Report[]> {
    const rows = await this.db.all<{
      id: number;
      item_id: string;
      unit: string;
      name: string | null;
      kind: Report['kind'];
      text: string;
      milestone_id: number | null;
      at: number;
    }>(
      `SELECT r.id, r.item_id, r.unit, c.name, r.kind, r.text, r.milestone_id, r.at
       FROM sch_reports r JOIN sch_contacts c ON c.id = r.contact_id
       ${itemId ? 'WHERE r.item_id = ?' : ''} ORDER BY r.at DESC, r.id DESC`,
      itemId ? [normalizeItemId(itemId)] : [],
    );
    return rows.map((r) => ({
      id: r.id,
      itemId: r.item_id,
      unit: r.unit,
      contactName: r.name,
      kind: r.kind,
      text: r.text,
      milestoneId: r.milestone_id,
      at: r.at,
    }));
  }

  /**
   * Per addressed unit of a milestone: when its contacts were last sent a reminder of it, its
   * progress reports on the item, and when it reported the current occurrence done.
   */
  async unitStates(m: Milestone): Promise<{ unit: string; remindedAt: number | null; doneAt: number | null; reports: Report[] }[]> {
    const reminded = await this.db.all<{ unit: string; at: number }>(
      `SELECT c.target AS unit, MAX(o.sent_at) AS at FROM sch_outbox o JOIN sch_contacts c ON c.id = o.contact_id
       WHERE o.milestone_id = ? AND o.status = 'sent' AND c.kind = 'unit' GROUP BY c.target`,
      [m.id],
    );
    const done = await this.db.all<{ unit: string; at: number }>(
      'SELECT unit, at FROM sch_completions WHERE milestone_id = ? AND due = ?',
      [m.id, m.due],
    );
    const reports = await this.reports(m.itemId);
    return this.audienceUnits(m).map((unit) => ({
      unit,
      remindedAt: reminded.find((r) => r.unit === unit)?.at ?? null,
      doneAt: done.find((r) => r.unit === unit)?.at ?? null,
      reports: reports.filter((r) => r.unit === unit),
    }));
  }

  /** Open milestones past their due date, counted per addressed unit that has not reported them done. */
  async overdueByUnit(today: IsoDate): Promise<{ unit: string; milestones: number }[]> {
    const overdue = (await this.open()).filter((m) => m.due < today);
    const done = new Set(
      (await this.db.all<{ milestone_id: number; due: string; unit: string }>('SELECT milestone_id, due, unit FROM sch_completions')).map(
        (r) => `${r.milestone_id}@${r.due}@${r.unit}`,
      ),
    );
    const counts = new Map<string, number>();
    for (const m of overdue)
      for (const unit of this.audienceUnits(m)) if (!done.has(`${m.id}@${m.due}@${unit}`)) counts.set(unit, (counts.get(unit) ?? 0) + 1);
    return [...counts.entries()].map(([unit, milestones]) => ({ unit, milestones })).sort((a, b) => b.milestones - a.milestones);
  }
}
