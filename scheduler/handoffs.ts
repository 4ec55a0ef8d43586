import type { Database } from '../db';
import { type Clock, type IsoDate, daysBetween, localDate } from './clock';
import type { SchedulerConfig } from './config';
import type { ContactBook } from './contacts';
import { type Lang, handoffText } from './messages';

export type { Handoff };
import type { Outbox } from './outbox';
import type { Contact, Handoff, NewMessage } from './records';
import type { ConversationAddress } from './sender';
import { SUPERVISING_UNIT } from './units';
import type { WorkingCalendar } from './workdays';

/**
 * Hand-offs (转办): a question the plan does not answer, passed to the unit that can. Every
 * message of a hand-off — to the unit's liaisons (or, when it has none, the admins), the reply back
 * to the person who asked, reassignments and overdue reminders — is an outbox row written in the
 * same transaction as the change it reports, so it goes out once, with the reminders' retries.
 */

export interface NewHandoff {
  question: string;
  lang: Lang;
  answerId: string | null;
  itemId: string | null;
  unit: string;
  asker: ConversationAddress;
  userId: string;
}

/** Who answers or reassigns: their conversation (its bindings decide) and whether they are an admin. */
export interface HandoffCaller {
  conversationId: string;
  isAdmin: boolean;
}

/** A reference as stored, from one as typed (q-2026-42 → Q-2026-0042); the typed text when it is not one. */
export function canonicalRef(typed: string): string {
  const m = /^Q-(\d{4})-(\d+)$/i.exec(typed.trim());
  return m ? `Q-${m[1]}-${m[2].padStart(4, '0')}` : typed.trim();
}

/** A reply longer than this is refused: a message in chat, not a document. */
export const MAX_REPLY_CHARS = 2000;

export type ReplyOutcome =
  | { kind: 'sent'; handoff: Handoff }
  | { kind: 'unknown' }
  | { kind: 'forbidden'; handoff: Handoff }
  | { kind: 'already'; handoff: Handoff }
  | { kind: 'empty' }
  | { kind: 'too-long'; length: number };

export type ReassignOutcome =
  | { kind: 'reassigned'; handoff: Handoff; from: string }
  | { kind: 'unknown' }
  | { kind: 'same'; handoff: Handoff }
  | { kind: 'answered'; handoff: Handoff };

interface HandoffRow {
  id: number;
  ref: string;
  question: string;
  lang: Lang;
  answer_id: string | null;
  item_id: string | null;
  asker_contact_id: number;
  unit: string;
  status: Handoff['status'];
  deadline: string;
  created_at: number;
  reply: string | null;
  replied_unit: string | null;
  replied_at: number | null;
}

const COLUMNS =
  'id, ref, question, lang, answer_id, item_id, asker_contact_id, unit, status, deadline, created_at, reply, replied_unit, replied_at';

function toHandoff(r: HandoffRow): Handoff {
  return {
    id: r.id,
    ref: r.ref,
    question: r.question,
    lang: r.lang,
    answerId: r.answer_id,
    itemId: r.item_id,
    askerContactId: r.asker_contact_id,
    unit: r.unit,
    status: r.status,
    deadline: r.deadline,
    createdAt: r.created_at,
    reply: r.reply,
    repliedUnit: r.replied_unit,
    repliedAt: r.replied_at,
  };
}

/** Q-2026-0042: the year it was made, its number in that year. */
export const HANDOFF_REF = /^Q-(\d{4})-(\d{4,})$/i;

export class HandoffDesk {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly contacts: ContactBook,
    private readonly outbox: Outbox,
    private readonly calendar: WorkingCalendar,
    private readonly config: Pick<SchedulerConfig, 'timeZone' | 'handoffWorkingDays' | 'overdueEveryDays'>,
  ) {}

  private today(): IsoDate {
    return localDate(this.clock.now(), this.config.timeZone);
  }

  /** Makes the hand-off and queues it for the unit's liaisons, or the admins when it has none. */
  async create(input: NewHandoff): Promise<{ handoff: Handoff; reachedUnit: boolean; workingDays: number }> {
    return this.db.transaction(async () => {
      const today = this.today();
      const year = Number(today.slice(0, 4));
      const asker = await this.contacts.asker(input.asker, input.userId, input.lang);
      const last = await this.db.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM sch_handoffs WHERE year = ?', [year]);
      const seq = (last?.seq ?? 0) + 1;
      const ref = `Q-${year}-${String(seq).padStart(4, '0')}`;
      const deadline = this.calendar.addWorkingDays(today, this.config.handoffWorkingDays);
      await this.db.run(
        `INSERT INTO sch_handoffs (ref, year, seq, question, lang, answer_id, item_id, asker_contact_id, unit, status, deadline, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
        [ref, year, seq, input.question, input.lang, input.answerId, input.itemId, asker.id, input.unit, deadline, this.clock.now()],
      );
      const handoff = (await this.byRef(ref))!;
      const reachedUnit = await this.sendToUnit(handoff, `handoff:${ref}:to:${input.unit}`);
      return { handoff, reachedUnit, workingDays: this.config.handoffWorkingDays };
    });
  }

  async byRef(ref: string): Promise<Handoff | undefined> {
    const row = await this.db.get<HandoffRow>(`SELECT ${COLUMNS} FROM sch_handoffs WHERE ref = ?`, [ref.toUpperCase()]);
    return row && toHandoff(row);
  }

  /** The reply of a liaison of the unit (or an admin), queued for the person who asked; the first reply stands. */
  async reply(ref: string, text: string, caller: HandoffCaller): Promise<ReplyOutcome> {
    const reply = text.trim();
    if (!reply) return { kind: 'empty' };
    if (reply.length > MAX_REPLY_CHARS) return { kind: 'too-long', length: reply.length };
    return this.db.transaction(async () => {
      const handoff = await this.byRef(ref);
      if (!handoff) return { kind: 'unknown' };
      const liaison = await this.liaisonOf(caller.conversationId, handoff.unit);
      if (!liaison && !caller.isAdmin) return { kind: 'forbidden', handoff };
      if (handoff.status === 'answered') return { kind: 'already', handoff };
      // An admin answers for the commerce department, which O.3 makes responsible for the plan's supervision.
      const repliedUnit = liaison ? handoff.unit : SUPERVISING_UNIT;
      const now = this.clock.now();
      await this.db.run(
        `UPDATE sch_handoffs SET status = 'answered', reply = ?, replied_by = ?, replied_unit = ?, replied_at = ? WHERE id = ? AND status = 'open'`,
        [reply, liaison?.id ?? null, repliedUnit, now, handoff.id],
      );
      const answered: Handoff = { ...handoff, status: 'answered', reply, repliedUnit, repliedAt: now };
      const asker = await this.contacts.byId(handoff.askerContactId);
      if (asker) {
        await this.enqueue([asker], `handoff-reply:${handoff.ref}`, (lang) =>
          handoffText(lang, { kind: 'to-asker', handoff: answered, date: this.today() }),
        );
      }
      return { kind: 'sent', handoff: answered };
    });
  }

  /** An admin's 转办: the hand-off moves to another unit, which is told, and so is the one it leaves. */
  async reassign(ref: string, unit: string): Promise<ReassignOutcome> {
    return this.db.transaction(async () => {
      const handoff = await this.byRef(ref);
      if (!handoff) return { kind: 'unknown' };
      if (handoff.status === 'answered') return { kind: 'answered', handoff };
      if (handoff.unit === unit) return { kind: 'same', handoff };
      const deadline = this.calendar.addWorkingDays(this.today(), this.config.handoffWorkingDays);
      await this.db.run('UPDATE sch_handoffs SET unit = ?, deadline = ? WHERE id = ?', [unit, deadline, handoff.id]);
      const moved: Handoff = { ...handoff, unit, deadline };
      await this.sendToUnit(moved, `handoff:${ref}:to:${unit}`);
      const before = await this.contacts.active('unit', [handoff.unit]);
      await this.enqueue(before, `handoff-moved:${ref}:from:${handoff.unit}:to:${unit}`, (lang) =>
        handoffText(lang, { kind: 'moved-away', handoff: moved, from: handoff.unit }),
      );
      return { kind: 'reassigned', handoff: moved, from: handoff.unit };
    });
  }

  /**
   * Call inside the daily scan's transaction: an open hand-off past its deadline reminds the unit's
   * liaisons and tells the admins, once per OVERDUE_EVERY_DAYS days overdue.
   */
  async enqueueOverdue(): Promise<number> {
    const today = this.today();
    const rows = await this.db.all<HandoffRow>(`SELECT ${COLUMNS} FROM sch_handoffs WHERE status = 'open' AND deadline < ? ORDER BY id`, [
      today,
    ]);
    let enqueued = 0;
    for (const handoff of rows.map(toHandoff)) {
      const days = daysBetween(handoff.deadline, today);
      const slot = Math.floor((days - 1) / this.config.overdueEveryDays);
      const key = `handoff-overdue:${handoff.ref}:${handoff.unit}:${slot}`;
      const liaisons = await this.contacts.active('unit', [handoff.unit]);
      enqueued += await this.enqueue(liaisons, key, (lang) => handoffText(lang, { kind: 'overdue-unit', handoff, days }), handoff.ref);
      enqueued += await this.enqueue(
        await this.contacts.active('admin', ['']),
        key,
        (lang) => handoffText(lang, { kind: 'overdue-admins', handoff, days }),
        handoff.ref,
      );
    }
    return enqueued;
  }

  /**
   * Open hand-offs the conversation may see: all of them for an admin, those handed to its bound
   * units for a liaison, none for anyone else (undefined).
   */
  async openFor(caller: HandoffCaller): Promise<Handoff[] | undefined> {
    const units = (await this.contacts.bindingsOf(caller.conversationId)).filter((b) => b.kind === 'unit' && b.status === 'active');
    if (!caller.isAdmin && !units.length) return undefined;
    const rows = await this.db.all<HandoffRow>(`SELECT ${COLUMNS} FROM sch_handoffs WHERE status = 'open' ORDER BY deadline, id`);
    const own = new Set(units.map((b) => b.target));
    return rows.map(toHandoff).filter((h) => caller.isAdmin || own.has(h.unit));
  }

  /** Hand-offs made from `from` to `to`, both included, for the reports. */
  async between(from: number, to: number): Promise<Handoff[]> {
    const rows = await this.db.all<HandoffRow>(
      `SELECT ${COLUMNS} FROM sch_handoffs WHERE created_at >= ? AND created_at <= ? ORDER BY id`,
      [from, to],
    );
    return rows.map(toHandoff);
  }

  /** Whether the hand-off is past its deadline today. */
  isOverdue(handoff: Handoff): boolean {
    return handoff.status === 'open' && handoff.deadline < this.today();
  }

  private async liaisonOf(conversationId: string, unit: string): Promise<Contact | undefined> {
    return (await this.contacts.bindingsOf(conversationId)).find((b) => b.kind === 'unit' && b.target === unit && b.status === 'active');
  }

  /** Queues the hand-off for the unit's liaisons; to the admins when it has none. Returns whether the unit was reached. */
  private async sendToUnit(handoff: Handoff, key: string): Promise<boolean> {
    const liaisons = await this.contacts.active('unit', [handoff.unit]);
    if (liaisons.length) {
      await this.enqueue(liaisons, key, (lang) => handoffText(lang, { kind: 'to-unit', handoff }), handoff.ref);
      return true;
    }
    await this.enqueue(
      await this.contacts.active('admin', ['']),
      key,
      (lang) => handoffText(lang, { kind: 'to-admins', handoff }),
      handoff.ref,
    );
    return false;
  }

  /** `replyRef`: the message asks its reader to answer that hand-off (the bot adds a form for the answer). */
  private enqueue(to: readonly Contact[], key: string, text: (lang: Lang) => string, replyRef?: string): Promise<number> {
    const dueDate = this.today();
    const messages: NewMessage[] = to.map((contact) => ({
      key: `${key}:contact:${contact.id}`,
      contactId: contact.id,
      conversationId: contact.conversationId,
      kind: 'notice',
      dueDate,
      text: text(contact.lang),
      replyRef,
    }));
    return this.outbox.enqueue(messages);
  }
}
