import type { DirectoryUnit, Item, Plan } from '../knowledge';

/**
 * The 组织实施 items (O.*) name no units. O.3 gives supervision of the plan to the 商务部门,
 * so 省商务厅 receives their reminders and may report on them.
 */
export const SUPERVISING_UNIT = '省商务厅';

/** Who answers for an item, lead first. */
export function responsibleUnits(item: Item): string[] {
  return item.units.length ? item.units : [SUPERVISING_UNIT];
}

export type UnitLookup = { ok: true; unit: string } | { ok: false; reason: 'unknown' | 'ambiguous'; candidates: string[] };

/** Resolves what an admin typed (the plan's name, an abbreviation, a successor's name) to the plan's unit name. */
export class UnitResolver {
  private readonly planUnits: Set<string>;
  private readonly byName = new Map<string, Set<string>>();

  constructor(plan: Plan, directory: DirectoryUnit[]) {
    this.planUnits = new Set(plan.items.flatMap(responsibleUnits));
    for (const unit of directory) {
      if (!this.planUnits.has(unit.name)) continue;
      const names = [
        unit.name,
        unit.fullName,
        ...unit.abbreviations,
        ...unit.successors.flatMap((s) => [s.name, s.fullName, ...s.aliases]),
      ];
      for (const name of names) this.add(name, unit.name);
    }
  }

  private add(name: string, unit: string): void {
    const key = normalizeName(name);
    const units = this.byName.get(key) ?? new Set<string>();
    units.add(unit);
    this.byName.set(key, units);
  }

  resolve(typed: string): UnitLookup {
    const key = normalizeName(typed);
    // The plan's own name wins: 济南海关 is a unit of the plan and also a successor of 山东出入境检验检疫局.
    if (this.planUnits.has(key)) return { ok: true, unit: key };
    const units = [...(this.byName.get(key) ?? [])];
    if (units.length === 1) return { ok: true, unit: units[0] };
    return { ok: false, reason: units.length ? 'ambiguous' : 'unknown', candidates: units };
  }
}

/** Full-width letters, digits and spaces typed in Chinese input methods become their ASCII forms. */
export function normalizeName(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ');
}
