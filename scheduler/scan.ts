import type { Database } from '../db';
import { type Clock, type IsoDate, localDate } from './clock';
import type { SchedulerConfig } from './config';
import type { AnswerLog } from '../knowledge';
import type { ContactBook } from './contacts';
import type { HandoffDesk } from './handoffs';
import { reminderText } from './messages';
import { type Milestones, currentSlot } from './milestones';
import type { Outbox } from './outbox';

const LAST_SCAN = 'last_scan_date';

export interface ScanStores {
  milestones: Milestones;
  contacts: ContactBook;
  outbox: Outbox;
  handoffs: HandoffDesk;
  answers: AnswerLog;
}

/**
 * The daily scan: for each open milestone, the reminder its dates call for today goes into the
 * outbox for every active contact of the units it addresses (not yet done), keyed by milestone,
 * due date, reminder and contact, so a second scan the same day adds nothing. It runs in one
 * transaction with the record of the scan, so a crash leaves either both or neither. Overdue
 * hand-offs are reminded in the same scan, and answers older than their retention deleted.
 *
 * A cron scan gives its due time: the first scheduler to scan for it records it (sch_scan_runs) in
 * the same transaction, and any other whose cron fired at that time finds the record and skips.
 */
export class Scanner {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Pick<SchedulerConfig, 'timeZone' | 'offsetDays' | 'overdueEveryDays' | 'feedbackRetentionMs'>,
    private readonly stores: ScanStores,
  ) {}

  /** How many messages it added; 0 as well when another scheduler has scanned for `dueAt` (epoch ms). */
  async scan(dueAt?: number): Promise<number> {
    const { milestones, contacts, outbox, handoffs, answers } = this.stores;
    return this.db.transaction(async () => {
      if (dueAt !== undefined && !(await this.recordRun(dueAt))) return 0;
      const today = localDate(this.clock.now(), this.config.timeZone);
      const lastScan = (await this.db.get<{ value: string }>('SELECT value FROM sch_state WHERE key = ?', [LAST_SCAN]))?.value ?? null;
      let enqueued = 0;
      for (const m of await milestones.open()) {
        const slot = currentSlot(m.due, today, this.config.offsetDays, this.config.overdueEveryDays);
        const item = milestones.item(m.itemId);
        if (!slot || !item) continue;
        const done = await milestones.completedUnits(m);
        const units = milestones.audienceUnits(m).filter((u) => !done.has(u));
        const dueDate = missedWhileDown(slot.date, lastScan, today) ? slot.date : today;
        const prefix = `reminder:${m.id}@${m.due}:${slot.key}:`;
        const liaisons = await contacts.active('unit', units);
        enqueued += await outbox.enqueue(
          liaisons.map((contact) => ({
            key: `${prefix}contact:${contact.id}`,
            contactId: contact.id,
            conversationId: contact.conversationId,
            kind: 'reminder' as const,
            milestoneId: m.id,
            milestoneDue: m.due,
            dueDate,
            text: reminderText(contact.lang, { unit: contact.target, item, milestone: m, daysLeft: slot.daysLeft }),
          })),
        );
        await outbox.supersedeReminders(m.id, prefix);
      }
      enqueued += await handoffs.enqueueOverdue();
      await answers.prune(this.clock.now() - this.config.feedbackRetentionMs);
      // Also when nobody binds for a long time: a failed code is kept no longer than it counts.
      await contacts.forgetOldFailures(this.clock.now());
      await this.db.run('INSERT INTO sch_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        LAST_SCAN,
        lastScan && lastScan > today ? lastScan : today,
      ]);
      return enqueued;
    });
  }

  /** Call inside the scan's transaction: false when a scan for `dueAt` is recorded already. */
  private async recordRun(dueAt: number): Promise<boolean> {
    const { changes } = await this.db.run('INSERT INTO sch_scan_runs (due_at, scanned_at) VALUES (?, ?) ON CONFLICT (due_at) DO NOTHING', [
      dueAt,
      this.clock.now(),
    ]);
    return changes === 1;
  }
}

/**
 * A reminder is late when its day came after the last scan and before today: no scan ran on
 * that day. One a scan already passed (the milestone or the contact is new) is not late.
 */
function missedWhileDown(slotDate: IsoDate, lastScan: IsoDate | null, today: IsoDate): boolean {
  return lastScan !== null && slotDate > lastScan && slotDate < today;
}
