import { type Actor, type AuditLog } from '../db';
import { type FaqChanges, type FaqCsvRow, type FaqEntry, FaqError, type FaqStore } from '../knowledge';
import type { Assessments, YearImport } from './assessment';
import { localDate, localDateTime } from './clock';
import type { ContactBook } from './contacts';
import type { HandoffDesk, ReassignOutcome } from './handoffs';
import { type Lang, replies } from './messages';
import type { MilestoneInput, Milestones } from './milestones';
import type { Outbox } from './outbox';
import { type UnitLookup, type UnitResolver, normalizeName } from './units';
import type { AssessmentRow, Contact, ContactKind, Milestone } from './records';

export type InviteOutcome = { ok: true; code: string; expires: string; label: string } | { ok: false; message: (lang: Lang) => string };

export type PublishOutcome =
  | { kind: 'published'; entry: FaqEntry; ref: string; question: string; unit: string }
  | { kind: 'unknown'; ref: string }
  | { kind: 'not-answered'; ref: string }
  | { kind: 'invalid'; problems: string[] };

export type ReassignChange = ReassignOutcome | { kind: 'unknown-unit'; typed: string; lookup: Extract<UnitLookup, { ok: false }> };

export interface AdminStores {
  contacts: ContactBook;
  milestones: Milestones;
  assessments: Assessments;
  handoffs: HandoffDesk;
  outbox: Outbox;
  faq: FaqStore;
  units: UnitResolver;
  audit: AuditLog;
  timeZone: string;
}

/**
 * Every change an admin makes, shared by the admin CLI, the admin chat commands and the web console:
 * each checks what it is given as the CLI always has, makes the change through its capability's
 * store, and records it in the audit log with the actor its caller names.
 */
export class AdminActions {
  constructor(private readonly s: AdminStores) {}

  /** A one-time binding code; a department is named as the plan names it, or by a successor's name or an abbreviation. */
  async invite(kind: ContactKind, typedTarget: string, name: string | undefined, actor: Actor): Promise<InviteOutcome> {
    let target = '';
    if (kind === 'unit') {
      const lookup = this.s.units.resolve(typedTarget);
      if (!lookup.ok) return { ok: false, message: (lang) => replies.unknownUnit(lang, typedTarget, lookup) };
      target = lookup.unit;
    } else if (kind === 'zone') {
      target = normalizeName(typedTarget);
      if (!target) return { ok: false, message: replies.zoneMissing };
    }
    const person = name?.trim() || undefined;
    const { code, expiresAt } = await this.s.contacts.createInvite({ kind, target, name: person });
    await this.s.audit.record(actor, {
      action: 'invite.create',
      target: kind === 'admin' ? 'admin' : `${kind} ${target}`,
      after: { kind, target, name: person ?? null, expiresAt },
    });
    return { ok: true, code, expires: localDateTime(expiresAt, this.s.timeZone), label: kind === 'admin' ? 'admin' : target };
  }

  async milestoneRows(includeClosed = false): Promise<{ milestone: Milestone; units: string[] }[]> {
    return (await this.s.milestones.list(includeClosed)).map((milestone) => ({
      milestone,
      units: this.s.milestones.audienceUnits(milestone),
    }));
  }

  /** Throws MilestoneError when the item, the date or the title is not acceptable; nothing is stored then. */
  async addMilestone(input: MilestoneInput, actor: Actor): Promise<Milestone> {
    const m = await this.s.milestones.add(input);
    await this.s.audit.record(actor, { action: 'milestone.add', target: `milestone ${m.id}`, after: m });
    return m;
  }

  async editMilestone(id: number, changes: Partial<MilestoneInput>, actor: Actor): Promise<Milestone> {
    const before = await this.s.milestones.get(id);
    const after = await this.s.milestones.edit(id, changes);
    await this.s.audit.record(actor, { action: 'milestone.edit', target: `milestone ${id}`, before, after });
    return after;
  }

  async removeMilestone(id: number, actor: Actor): Promise<Milestone> {
    const removed = await this.s.milestones.remove(id);
    await this.s.audit.record(actor, { action: 'milestone.remove', target: `milestone ${id}`, before: { ...removed, status: 'open' } });
    return removed;
  }

  /** Ends a binding: the conversation no longer receives the unit's or zone's messages; what waits for it is cancelled. */
  async revokeContact(id: number, actor: Actor): Promise<Contact | null> {
    const revoked = await this.s.contacts.revoke(id);
    if (revoked)
      await this.s.audit.record(actor, {
        action: 'contact.revoke',
        target: `contact ${id}`,
        before: revoked,
        after: { status: 'unbound' },
      });
    return revoked;
  }

  /** A dead delivery is tried again: the same row, its attempts counted afresh, so nobody gets it twice. */
  async retryDelivery(id: number, actor: Actor): Promise<boolean> {
    const retried = await this.s.outbox.retryDead(id);
    if (retried)
      await this.s.audit.record(actor, {
        action: 'outbox.retry',
        target: `delivery ${id}`,
        before: { status: 'dead' },
        after: { status: 'pending' },
      });
    return retried;
  }

  /** A waiting or dead delivery is not sent. */
  async cancelDelivery(id: number, actor: Actor): Promise<boolean> {
    const before = await this.s.outbox.cancel(id);
    if (before)
      await this.s.audit.record(actor, {
        action: 'outbox.cancel',
        target: `delivery ${id}`,
        before: { status: before },
        after: { status: 'cancelled' },
      });
    return before !== null;
  }

  async importAssessments(rows: readonly AssessmentRow[], actor: Actor): Promise<{ years: YearImport[]; enqueued: number }> {
    const result = await this.s.assessments.import(rows);
    await this.s.audit.record(actor, {
      action: 'assessment.import',
      target: `years ${result.years.map((y) => y.year).join(', ')}`,
      after: { years: result.years, rows: rows.length },
    });
    return result;
  }

  async reassignHandoff(ref: string, typedUnit: string, actor: Actor): Promise<ReassignChange> {
    const lookup = this.s.units.resolve(typedUnit);
    if (!lookup.ok) return { kind: 'unknown-unit', typed: typedUnit, lookup };
    const outcome = await this.s.handoffs.reassign(ref, lookup.unit);
    if (outcome.kind === 'reassigned')
      await this.s.audit.record(actor, {
        action: 'handoff.reassign',
        target: outcome.handoff.ref,
        before: { unit: outcome.from },
        after: { unit: outcome.handoff.unit, deadline: outcome.handoff.deadline },
      });
    return outcome;
  }

  /** An answered hand-off becomes an FAQ entry: its question, the unit's reply, the day of the reply. */
  async publishFaq(ref: string, actor: Actor): Promise<PublishOutcome> {
    const h = await this.s.handoffs.byRef(ref);
    if (!h) return { kind: 'unknown', ref };
    if (h.status !== 'answered' || !h.reply || h.repliedAt === null) return { kind: 'not-answered', ref: h.ref };
    const unit = h.repliedUnit ?? h.unit;
    try {
      const entry = await this.s.faq.add({
        questions: [h.question],
        answer: h.reply,
        unit,
        sourceDate: localDate(h.repliedAt, this.s.timeZone),
        handoffRef: h.ref,
        lang: h.lang,
      });
      await this.s.audit.record(actor, { action: 'faq.publish', target: entry.id, after: entry });
      return { kind: 'published', entry, ref: h.ref, question: h.question, unit };
    } catch (err) {
      if (err instanceof FaqError) return { kind: 'invalid', problems: err.problems };
      throw err;
    }
  }

  /** Throws FaqError (nothing changed) when the entry is unknown or the change is refused. */
  async editFaq(id: string, changes: FaqChanges, actor: Actor): Promise<FaqEntry> {
    const before = await this.s.faq.get(id);
    const after = await this.s.faq.edit(id, changes);
    await this.s.audit.record(actor, { action: 'faq.edit', target: id, before, after });
    return after;
  }

  async removeFaq(id: string, actor: Actor): Promise<FaqEntry> {
    const before = await this.s.faq.remove(id);
    await this.s.audit.record(actor, { action: 'faq.remove', target: id, before });
    return before;
  }

  async importFaq(rows: FaqCsvRow[], actor: Actor): Promise<{ added: number; replaced: number }> {
    const result = await this.s.faq.importEntries(rows);
    await this.s.audit.record(actor, { action: 'faq.import', target: `${rows.length} entries`, after: result });
    return result;
  }
}
