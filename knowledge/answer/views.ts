import type { DirectoryUnit, EnglishOverlay } from '../curated';
import { toChineseNumeral, toRoman } from '../plan/text';
import { foldForMatch } from '../understand/normalize';
import type { Deadline, Item, Plan, Recurring } from '../plan/types';

/** A unit as an answer shows it: the plan's name, and the names it goes by today. */
export interface UnitView {
  name: string;
  english: string;
  /** Today's successors (the latest reform), empty when the name is unchanged. */
  now: string[];
  nowEnglish: string[];
  fullName: string;
  /** Successors that took over only a part of the unit, by every name they go by (folded), with that part. */
  parts?: Array<{ names: string[]; zh: string; en: string }>;
}

/** An item with everything an answer or a card shows about it. */
export interface ItemView {
  id: string;
  title: string;
  titleEn: string;
  summaryEn: string;
  actionTitle: string;
  actionTitleEn: string;
  citation: string;
  citationEn: string;
  lead: UnitView | null;
  coUnits: UnitView[];
  deadlines: Deadline[];
  recurring: Recurring[];
  text: string;
}

/** Read-only views over the plan, the directory and the English overlay, built once. */
export class PlanViews {
  readonly items: Map<string, ItemView>;
  readonly units: Map<string, UnitView>;
  private readonly shortTitle: string;

  constructor(
    readonly plan: Plan,
    directory: DirectoryUnit[],
    readonly overlay: EnglishOverlay,
  ) {
    this.units = new Map(directory.map((u) => [u.name, unitView(u)]));
    this.shortTitle = /(行动计划|行动方案|实施方案|规划|方案|计划|意见|办法)$/.exec(plan.document.title)?.[1] ?? plan.document.title;
    this.items = new Map(plan.items.map((i) => [i.id, this.itemView(i)]));
  }

  item(id: string): ItemView {
    const view = this.items.get(id);
    if (!view) throw new Error(`no item ${id}`);
    return view;
  }

  unit(name: string): UnitView {
    return this.units.get(name) ?? { name, english: name, now: [], nowEnglish: [], fullName: name };
  }

  private itemView(i: Item): ItemView {
    const en = this.overlay.items[i.id];
    const section = this.plan.sections.find((s) => s.kind === i.section);
    const sectionNo = section?.no ?? 0;
    const citation =
      i.section === 'tasks'
        ? `《${this.shortTitle}》${toChineseNumeral(sectionNo)}（${toChineseNumeral(i.actionNo!)}）${i.no}`
        : `《${this.shortTitle}》${toChineseNumeral(sectionNo)}、${section?.title ?? ''}第${i.no}条`;
    const citationEn =
      i.section === 'tasks'
        ? `Action Plan, Part ${toRoman(sectionNo)}, (${i.actionNo}) ${i.no}`
        : `Action Plan, Part ${toRoman(sectionNo)} (Organization and Implementation), ${i.no}`;
    return {
      id: i.id,
      title: i.title,
      titleEn: en.title,
      summaryEn: en.summary,
      actionTitle: i.section === 'tasks' ? i.actionTitle : (section?.title ?? ''),
      actionTitleEn: i.actionNo ? this.overlay.actions[String(i.actionNo)].title : 'Organization and Implementation',
      citation,
      citationEn,
      lead: i.lead ? this.unit(i.lead) : null,
      coUnits: i.coUnits.map((u) => this.unit(u)),
      deadlines: this.plan.deadlines.filter((d) => d.itemId === i.id),
      recurring: this.plan.recurring.filter((r) => r.itemId === i.id),
      text: i.text,
    };
  }
}

export function unitView(u: DirectoryUnit): UnitView {
  const latest = Math.max(0, ...u.successors.map((s) => s.year));
  const now = u.successors.filter((s) => s.year === latest);
  const parts = u.successors.flatMap((s) =>
    s.part
      ? [{ names: [s.name, s.fullName, s.english, ...s.aliases, ...s.englishAliases].map(foldForMatch), zh: s.part.zh, en: s.part.en }]
      : [],
  );
  return {
    name: u.name,
    english: u.english,
    fullName: u.fullName,
    now: now.map((s) => s.name),
    nowEnglish: now.map((s) => s.english),
    ...(parts.length ? { parts } : {}),
  };
}
