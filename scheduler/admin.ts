import { localDateTime } from './clock';
import type { ContactBook } from './contacts';
import { type Lang, replies } from './messages';
import type { Milestones } from './milestones';
import { type UnitResolver, normalizeName } from './units';
import type { ContactKind, Milestone } from './records';

export type InviteOutcome = { ok: true; code: string; expires: string; label: string } | { ok: false; message: (lang: Lang) => string };

/** Admin actions shared by the admin CLI and the admin chat commands. */
export class AdminActions {
  constructor(
    private readonly contacts: ContactBook,
    private readonly milestones: Milestones,
    private readonly resolver: UnitResolver,
    private readonly timeZone: string,
  ) {}

  /** A one-time binding code; a department is named as the plan names it, or by a successor's name or an abbreviation. */
  async invite(kind: ContactKind, typedTarget: string, name?: string): Promise<InviteOutcome> {
    let target = '';
    if (kind === 'unit') {
      const lookup = this.resolver.resolve(typedTarget);
      if (!lookup.ok) return { ok: false, message: (lang) => replies.unknownUnit(lang, typedTarget, lookup) };
      target = lookup.unit;
    } else if (kind === 'zone') {
      target = normalizeName(typedTarget);
      if (!target) return { ok: false, message: replies.zoneMissing };
    }
    const { code, expiresAt } = await this.contacts.createInvite({ kind, target, name: name?.trim() || undefined });
    return { ok: true, code, expires: localDateTime(expiresAt, this.timeZone), label: kind === 'admin' ? 'admin' : target };
  }

  async milestoneRows(includeClosed = false): Promise<{ milestone: Milestone; units: string[] }[]> {
    return (await this.milestones.list(includeClosed)).map((milestone) => ({ milestone, units: this.milestones.audienceUnits(milestone) }));
  }
}
